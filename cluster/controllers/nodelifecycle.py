"""Node lifecycle controller: a node whose Lease stops being renewed becomes unreachable.

After NODE_GRACE_SECONDS without a renewal: Ready=Unknown and the taint
`node.kubernetes.io/unreachable:NoExecute`; its pods are marked not Ready (so they leave
their Services' endpoints at once); pods on it that do not tolerate the taint
are evicted after their tolerationSeconds (EVICTION_TOLERATION_SECONDS when they name
none) and their controllers replace them elsewhere. A renewed lease undoes it all.

`monitor()` (beat, every NODE_MONITOR_SECONDS) compares leases with node conditions in
one pass and queues only the nodes whose state must change, since a dead node sends
no event to react to.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from cluster import store
from cluster.controllers import parsed_cache, podutil, runtime
from cluster.controllers import settings as cs
from cluster.errors import NotFound
from cluster.models import Lease, Node, Pod
from cluster.objects import format_time, loads, parse_time
from cluster.recorder import record

COMPONENT = "node-controller"
LEASE_NS = "kube-node-lease"
TAINT_KEY = "node.kubernetes.io/unreachable"
OUR_REASON = "NodeStatusUnknown"


def last_renewal(node: dict, lease: dict | None) -> datetime:
    if lease is not None:
        renewed = parse_time((lease.get("spec") or {}).get("renewTime") or "")
        if renewed:
            return renewed
    ready = podutil.condition(node, "Ready") or {}
    return parse_time(ready.get("lastHeartbeatTime") or "") or \
        parse_time(node["metadata"]["creationTimestamp"]) or timezone.now()


def _tainted(node: dict) -> dict | None:
    return next((t for t in (node.get("spec") or {}).get("taints") or []
                 if t.get("key") == TAINT_KEY and t.get("effect") == "NoExecute"), None)


def _unknown_by_us(node: dict) -> bool:
    ready = podutil.condition(node, "Ready") or {}
    return ready.get("status") == "Unknown" and ready.get("reason") == OUR_REASON


def needs_attention(node: dict, lease: dict | None, now: datetime) -> bool:
    expired = (now - last_renewal(node, lease)).total_seconds() > cs.NODE_GRACE_SECONDS
    if expired:
        return not _unknown_by_us(node) or _tainted(node) is None
    return _unknown_by_us(node) or _tainted(node) is not None


def monitor() -> int:
    """Queue the nodes whose lease state and conditions disagree."""
    now = timezone.now()
    # Twice a second over every node: only what changed since the last look is parsed.
    leases = {lease["metadata"]["name"]: lease
              for lease in parsed_cache.bodies(Lease.objects.filter(namespace=LEASE_NS))}
    keys = [("nodelifecycle", node["metadata"]["name"])
            for node in parsed_cache.bodies(Node.objects.all())
            if needs_attention(node, leases.get(node["metadata"]["name"]), now)]
    return runtime.enqueue_many(keys)


def reconcile(key: str) -> runtime.Outcome:
    name = key.rpartition("/")[2]
    node = store.get("Node", "", name)
    try:
        lease = store.get("Lease", LEASE_NS, name)
    except NotFound:
        lease = None
    now = timezone.now()
    age = (now - last_renewal(node, lease)).total_seconds()
    if age <= cs.NODE_GRACE_SECONDS:
        _recover(node, now)
        return runtime.Outcome(desired="Ready", observed=f"lease {age:.1f}s old")
    node = _mark_unreachable(node, now)
    _mark_pods_not_ready(name, now)
    wait = _evict(node, now)
    return runtime.Outcome(desired="Unknown", observed=f"lease {age:.1f}s old",
                           requeue_after=wait)


def _mark_unreachable(node: dict, now: datetime) -> dict:
    name = node["metadata"]["name"]
    if not _unknown_by_us(node):
        def unknown(current: dict) -> dict:
            status = current.setdefault("status", {})
            conds = status.setdefault("conditions", [])
            ready = next((c for c in conds if c.get("type") == "Ready"), None)
            if ready is None:
                ready = {"type": "Ready"}
                conds.append(ready)
            ready.update(status="Unknown", reason=OUR_REASON,
                         message="Kubelet stopped posting node status.",
                         lastTransitionTime=format_time(now))
            return current
        runtime.pace(f"mark node {name} Ready=Unknown")
        node = store.mutate("Node", "", name, unknown, subresource="status")
        record(node, "NodeNotReady", f"Node {name} status is now: NodeNotReady",
               component=COMPONENT)
    if _tainted(node) is None:
        def taint(current: dict) -> dict:
            taints = current.setdefault("spec", {}).setdefault("taints", [])
            # NoSchedule too, as Kubernetes does: a pod that tolerates the eviction
            # (NoExecute) must still not be placed on a node nobody hears from.
            for effect in ("NoSchedule", "NoExecute"):
                if not any(t.get("key") == TAINT_KEY and t.get("effect") == effect
                           for t in taints):
                    taints.append({"key": TAINT_KEY, "effect": effect,
                                   "timeAdded": format_time(now)})
            return current
        runtime.pace(f"taint node {name} unreachable")
        node = store.mutate("Node", "", name, taint)
    return node


def _recover(node: dict, now: datetime) -> None:
    name = node["metadata"]["name"]
    # Whatever the node's condition says now (a returning kubelet may have marked it
    # Ready already), pods still carrying our NodeNotReady mark get Ready back.
    _set_pods_ready(name, now, ready=True)
    if _tainted(node) is not None:
        def untaint(current: dict) -> dict:
            spec = current.setdefault("spec", {})
            spec["taints"] = [t for t in spec.get("taints") or [] if t.get("key") != TAINT_KEY]
            if not spec["taints"]:
                del spec["taints"]
            return current
        runtime.pace(f"remove unreachable taint from {name}")
        node = store.mutate("Node", "", name, untaint)
    if _unknown_by_us(node):
        def ready(current: dict) -> dict:
            for c in current["status"]["conditions"]:
                if c.get("type") == "Ready":
                    c.update(status="True", reason="KubeletReady",
                             message="kubelet is posting ready status",
                             lastTransitionTime=format_time(now))
            return current
        runtime.pace(f"mark node {name} Ready")
        node = store.mutate("Node", "", name, ready, subresource="status")
        record(node, "NodeReady", f"Node {name} status is now: NodeReady",
               component=COMPONENT)


POD_REASON = "NodeNotReady"


def _mark_pods_not_ready(name: str, now: datetime) -> None:
    """Ready=False for the pods of an unreachable node, as Kubernetes' node controller
    does: the Endpoints controller then takes them out of their Services at once, rather
    than the service proxy sending requests to a node nobody hears from until eviction."""
    _set_pods_ready(name, now, ready=False)


def _set_pods_ready(name: str, now: datetime, ready: bool) -> None:
    """Flip the Ready condition of the node's pods: to False (ours, with POD_REASON), or
    back to True where it is still ours — a simulated kubelet that comes back does not
    rewrite a steady pod's status, and a real one overwrites ours anyway."""
    for body in Pod.objects.filter(node_name=name, deletion_timestamp__isnull=True) \
            .values_list("body", flat=True):
        pod = loads(body)
        cond = podutil.condition(pod, "Ready") or {}
        if (cond.get("status") == "True") == ready or \
                (ready and cond.get("reason") != POD_REASON):
            continue
        pm = pod["metadata"]

        def flip(current: dict) -> dict:
            for c in (current.get("status") or {}).get("conditions") or []:
                if c.get("type") != "Ready":
                    continue
                if not ready and c.get("status") == "True":
                    c.update(status="False", reason=POD_REASON,
                             message=f"node {name} is unreachable",
                             lastTransitionTime=format_time(now))
                elif ready and c.get("reason") == POD_REASON:
                    c.update(status="True", lastTransitionTime=format_time(now))
                    c.pop("reason", None)
                    c.pop("message", None)
            return current
        runtime.pace(f"mark pod {pm['namespace']}/{pm['name']} "
                     f"{'ready' if ready else 'not ready'}")
        try:
            store.mutate("Pod", pm["namespace"], pm["name"], flip, subresource="status")
        except NotFound:
            continue


def toleration_seconds(pod: dict) -> float | None:
    """How long the pod tolerates the unreachable taint: None = for ever."""
    for t in (pod.get("spec") or {}).get("tolerations") or []:
        if t.get("effect") not in (None, "", "NoExecute"):
            continue
        if t.get("operator") == "Exists" and not t.get("key") or t.get("key") == TAINT_KEY:
            seconds = t.get("tolerationSeconds")
            return None if seconds is None else max(0.0, float(seconds))
    return float(cs.EVICTION_TOLERATION_SECONDS)


def _evict(node: dict, now: datetime) -> float | None:
    """Evict the pods whose toleration has run out; returns when the next one is due."""
    taint = _tainted(node) or {}
    since = parse_time(taint.get("timeAdded") or "") or now
    name = node["metadata"]["name"]
    next_due: float | None = None
    for body in Pod.objects.filter(node_name=name, deletion_timestamp__isnull=True) \
            .values_list("body", flat=True):
        pod = loads(body)
        seconds = toleration_seconds(pod)
        if seconds is None:
            continue
        due = (since + timedelta(seconds=seconds) - now).total_seconds()
        if due > 0:
            next_due = due if next_due is None else min(next_due, due)
            continue
        pm = pod["metadata"]
        runtime.pace(f"evict pod {pm['namespace']}/{pm['name']}")
        try:
            # The node is unreachable: its kubelet cannot confirm, so no grace period.
            store.delete("Pod", pm["namespace"], pm["name"], grace_seconds=0,
                         precondition_uid=pm["uid"])
        except NotFound:
            continue
        record(pod, "TaintManagerEviction", f"Marking for deletion Pod {pm['namespace']}/"
               f"{pm['name']}", component="taint-eviction-controller")
    return None if next_due is None else next_due + 0.05
