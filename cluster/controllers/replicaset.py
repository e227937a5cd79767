"""ReplicaSet controller: keep spec.replicas pods matching the selector, report status.

Counts pods from the store on every reconcile (creates are synchronous and committed
before they return, and one worker holds a key at a time), so a repeated or
interrupted reconcile never creates a pod twice: it sees the ones already made.
"""
from __future__ import annotations

import copy
from datetime import datetime
from functools import partial

from django.utils import timezone

from cluster import store, store_batch
from cluster.controllers import podutil, runtime, switches
from cluster.controllers import settings as cs
from cluster.controllers.keys import split
from cluster.errors import AlreadyExists, ApiError, Conflict, NotFound
from cluster.kubelet.batch import DEFAULT_BATCH, run_batch
from cluster.objects import parse_time
from cluster.recorder import record
from cluster.selectors import SelectorError, label_selector_from_dict

COMPONENT = "replicaset-controller"
_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


def reconcile(key: str) -> runtime.Outcome:
    namespace, name = split(key)
    rs = store.get("ReplicaSet", namespace, name)
    spec = rs.get("spec") or {}
    desired = int(spec.get("replicas") or 0)
    try:
        selector = label_selector_from_dict(spec.get("selector"))
    except SelectorError as exc:
        raise runtime.Permanent(f"invalid selector: {exc}") from None
    pods = _claim(rs, selector) if not selector.empty else []
    active = [p for p in pods if podutil.is_active(p)]
    failure = None
    if not rs["metadata"].get("deletionTimestamp"):
        diff = len(active) - desired
        if diff < 0:
            made, failure = _create(rs, min(-diff, cs.BURST_PODS))
            active += made
        elif diff > 0:
            active = _delete_surplus(rs, active, diff)
    now = timezone.now()
    wait = _write_status(rs, active, failure, now)
    more = abs(len(active) - desired) > 0 and failure is None
    return runtime.Outcome(desired=desired, observed=len(active),
                           requeue_after=0.01 if more else wait)


def _claim(rs: dict, selector) -> list[dict]:
    """Owned pods that still match, plus matching orphans adopted now; owned pods that
    stopped matching are released (their ownerReference removed)."""
    uid = rs["metadata"]["uid"]
    owned, orphans = podutil.owned_and_orphan_pods(rs["metadata"]["namespace"], uid,
                                                   selector.matches)
    mine = []
    for pod in owned:
        if selector.matches(pod["metadata"].get("labels")):
            mine.append(pod)
        elif not pod["metadata"].get("deletionTimestamp"):
            _change_owner(rs, pod, adopt=False)
    if rs["metadata"].get("deletionTimestamp"):
        return mine  # an owner being deleted adopts nothing
    for pod in orphans:
        if pod["metadata"].get("deletionTimestamp") or podutil.controller_ref(pod):
            continue
        adopted = _change_owner(rs, pod, adopt=True)
        if adopted is not None:
            mine.append(adopted)
    return mine


def _change_owner(rs: dict, pod: dict, adopt: bool) -> dict | None:
    uid = rs["metadata"]["uid"]
    verb = "Adopted" if adopt else "Released"

    def change(current: dict) -> dict:
        refs = [o for o in current["metadata"].get("ownerReferences") or []
                if o.get("uid") != uid]
        if adopt:
            if podutil.controller_ref(current):
                raise Conflict("pod has a controller already")  # someone else adopted it
            refs.append(podutil.owner_reference(rs))
        current["metadata"]["ownerReferences"] = refs
        return current
    runtime.pace(f"{verb.lower()} pod {pod['metadata']['name']}")
    try:
        updated = store.mutate("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"],
                               change)
    except (NotFound, Conflict):
        return None
    record(rs, verb, f"{verb} pod {pod['metadata']['name']}", component=COMPONENT)
    return updated


def pod_from_template(owner: dict, template: dict, generate_name: str) -> dict:
    # No copies here: store.create copies what it is given before changing anything.
    tmeta = template.get("metadata") or {}
    m = {"generateName": generate_name, "namespace": owner["metadata"]["namespace"],
         "labels": tmeta.get("labels") or {},
         "ownerReferences": [podutil.owner_reference(owner)]}
    if tmeta.get("annotations"):
        m["annotations"] = tmeta["annotations"]
    if tmeta.get("finalizers"):
        m["finalizers"] = list(tmeta["finalizers"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": m,
            "spec": template.get("spec") or {}}


def _create(rs: dict, count: int) -> tuple[list[dict], str | None]:
    """Create `count` pods in slow-start batches (1, 2, 4, ... up to SLOW_START_MAX), as
    Kubernetes does: a template that cannot be admitted fails once, not `count` times,
    and a healthy one soon goes hundreds of pods per batch. Each batch is written by
    `store_batch.create_many` (a few statements per DEFAULT_BATCH pods, quota charged
    as one by one) and recorded as one Event.
    With the classroom delay on, batches stay at one pod so each create can be watched."""
    template = (rs.get("spec") or {}).get("template") or {}
    generate = f"{rs['metadata']['name']}-"
    made: list[dict] = []
    size, left = 1, count
    while left > 0:
        n = min(size, left)
        left -= n
        runtime.pace(f"create {n} pod{'s' if n > 1 else ''}")
        outcomes: list[dict | ApiError] = []
        for at in range(0, n, DEFAULT_BATCH):  # one transaction per DEFAULT_BATCH pods
            outcomes += store_batch.create_many("Pod", [
                pod_from_template(rs, template, generate)
                for _ in range(min(DEFAULT_BATCH, n - at))])
        batch = [p for p in outcomes if isinstance(p, dict)]
        errors = [e for e in outcomes if isinstance(e, ApiError)]
        made += batch
        if batch:
            record(rs, "SuccessfulCreate", _names_message("Created", batch),
                   component=COMPONENT)
        # A generated name that collided is made up by the next reconcile.
        failed = next((e for e in errors if not isinstance(e, AlreadyExists)), None)
        if failed is not None:
            if isinstance(failed, runtime.RETRYABLE):
                raise failed
            record(rs, "FailedCreate", f"Error creating: {failed.message}",
                   event_type="Warning", component=COMPONENT)
            return made, failed.message
        if switches.current().delay_seconds <= 0:
            size = min(size * 2, cs.SLOW_START_MAX)
    return made, None


def _names_message(verb: str, pods: list[dict], shown: int = 5) -> str:
    """`Created pod: web-x` for one pod, `Created 64 pods: web-a, ... (+59 more)` for many:
    one Event per batch instead of one per pod, which doubled the store writes."""
    names = [p["metadata"]["name"] for p in pods]
    if len(names) == 1:
        return f"{verb} pod: {names[0]}"
    more = f" (+{len(names) - shown} more)" if len(names) > shown else ""
    return f"{verb} {len(names)} pods: {', '.join(names[:shown])}{more}"


def deletion_rank(pod: dict) -> tuple:
    """Sort key, smallest first = deleted first: unscheduled, pending, not ready, ready
    for less time, more restarts, newest."""
    status = pod.get("status") or {}
    since = podutil.ready_since(pod)
    created = parse_time(pod["metadata"].get("creationTimestamp") or "")
    restarts = sum(int(c.get("restartCount") or 0) for c in status.get("containerStatuses")
                   or [])
    return (bool((pod.get("spec") or {}).get("nodeName")),
            _PHASE_RANK.get(status.get("phase") or "Pending", 0),
            since is not None,
            -(since.timestamp()) if since else 0.0,
            -restarts,
            -(created.timestamp()) if created else 0.0,
            pod["metadata"]["name"])


def _delete_surplus(rs: dict, active: list[dict], surplus: int) -> list[dict]:
    ranked = sorted(active, key=deletion_rank)
    cut = min(surplus, cs.BURST_PODS)
    doomed, kept = ranked[:cut], ranked[cut:]
    if switches.current().delay_seconds > 0:
        for pod in doomed:  # slow motion: one visible step per pod
            runtime.pace(f"delete pod {pod['metadata']['name']}")
    else:
        runtime.pace(f"delete {len(doomed)} pod{'s' if len(doomed) > 1 else ''}")

    def delete_op(pod: dict):
        m = pod["metadata"]
        return partial(store.delete, "Pod", m["namespace"], m["name"],
                       precondition_uid=m["uid"])
    # NotFound / Conflict: already gone, or replaced by a pod of the same name.
    run_batch([delete_op(p) for p in doomed], on_error=lambda _op, _exc: None)
    if doomed:
        record(rs, "SuccessfulDelete", _names_message("Deleted", doomed), component=COMPONENT)
    return kept


def _write_status(rs: dict, active: list[dict], failure: str | None,
                  now: datetime) -> float | None:
    """Write status if it changed; returns when to look again for minReadySeconds."""
    spec = rs.get("spec") or {}
    min_ready = int(spec.get("minReadySeconds") or 0)
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    ready = available = 0
    wait: float | None = None
    for pod in active:
        left = podutil.available_in(pod, min_ready, now)
        if left is None:
            continue
        ready += 1
        if left == 0:
            available += 1
        else:
            wait = left if wait is None else min(wait, left)
    fully = sum(1 for p in active if all((p["metadata"].get("labels") or {}).get(k) == v
                                         for k, v in template_labels.items()))
    status = copy.deepcopy(rs.get("status") or {})
    status.update(replicas=len(active), fullyLabeledReplicas=fully, readyReplicas=ready,
                  availableReplicas=available,
                  observedGeneration=int(rs["metadata"].get("generation") or 1))
    if failure:
        podutil.set_condition(status, "ReplicaFailure", "True", "FailedCreate", failure, now)
    elif podutil.condition(rs, "ReplicaFailure"):
        podutil.remove_condition(status, "ReplicaFailure")
    if status != (rs.get("status") or {}):
        def change(current: dict) -> dict:
            current["status"] = status
            return current
        store.mutate("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"],
                     change, subresource="status")
    return None if wait is None else wait + 0.05
