"""Store event → controller keys. Runs after every commit in the writing process, so it
does no database work: it reads the event's objects and queues keys (Redis only).

Where finding the interested objects needs a query (the Services selecting a pod, the
ReplicaSets that could adopt an orphan pod), the pod's key goes to the `podfanout`
controller, which does the query on a worker.
"""
from __future__ import annotations

from cluster.controllers import resourcequota, runtime
from cluster.controllers.keys import gc_object_key, gc_owner_key, ns_key
from cluster.dispatch import StoreEvent

GC_FINALIZERS = ("orphan", "foregroundDeletion")
# The podfanout key for "orphan pods appeared here" ("~" cannot occur in a pod's name).
ORPHANS = "~orphans"


def route(event: StoreEvent) -> None:
    runtime.enqueue_many(keys_for(event))


def _route_many(events: list[StoreEvent]) -> None:
    # Fifty pods of one ReplicaSet created in a batch queue its key once, not fifty times.
    runtime.enqueue_many([key for event in events for key in keys_for(event)])


route.many = _route_many  # type: ignore[attr-defined]


def keys_for(event: StoreEvent) -> list[tuple[str, str]]:
    obj, old = event.object, event.old or {}
    ns, name, kind = event.namespace, event.name, event.kind
    keys: list[tuple[str, str]] = []
    m = obj.get("metadata") or {}
    owners = [o for o in m.get("ownerReferences") or [] if isinstance(o, dict)]
    if kind != "Pod" or _counted_view(obj) != _counted_view(old) or event.type != "MODIFIED":
        for owner in owners + [o for o in (old.get("metadata") or {}).get("ownerReferences")
                               or [] if isinstance(o, dict) and o not in owners]:
            controller = _OWNER_CONTROLLERS.get((kind, owner.get("kind")))
            if controller and owner.get("name"):
                keys.append((controller, ns_key(ns, owner["name"])))
    if kind == "Pod":
        keys.extend(_pod_keys(event))
    elif kind == "ReplicaSet" and _more_than_status(event):
        keys.append(("replicaset", ns_key(ns, name)))
    elif kind == "Deployment" and _more_than_status(event):
        keys.append(("deployment", ns_key(ns, name)))
    elif kind == "Service":
        keys.append(("endpoints", ns_key(ns, name)))
    elif kind == "Endpoints" and event.type != "ADDED":
        keys.append(("endpoints", ns_key(ns, name)))  # someone edited or deleted ours
    elif kind == "Namespace" and m.get("deletionTimestamp"):
        keys.append(("namespace", name))
    elif kind == "Node":
        # Not Leases: every node renews every few seconds, and a renewal changes nothing
        # unless the node had gone Unknown, which the monitor (every NODE_MONITOR_SECONDS)
        # notices, as Kubernetes' node lifecycle controller polls rather than watches.
        keys.append(("nodelifecycle", name))
    keys.extend(_gc_keys(event, m))
    keys.extend(_quota_keys(event))
    return keys


# (dependent kind, owner kind) → the controller that reconciles the owner.
_OWNER_CONTROLLERS = {("Pod", "ReplicaSet"): "replicaset",
                      ("ReplicaSet", "Deployment"): "deployment"}


def _counted_view(pod: dict) -> tuple:
    """What a ReplicaSet counts of a pod (active, matching, ready, available since when).
    A change elsewhere — the binding, the decision annotation, a container going from
    waiting to running without the pod turning Ready — leaves its owner nothing to do,
    and each reconcile lists the owner's pods: a 1,000-pod ReplicaSet was reconciled
    once per change of each of its pods."""
    m = pod.get("metadata") or {}
    status = pod.get("status") or {}
    ready = next(((c.get("status"), c.get("lastTransitionTime"))
                  for c in status.get("conditions") or [] if c.get("type") == "Ready"), None)
    return (m.get("labels"), m.get("deletionTimestamp"), m.get("ownerReferences"),
            status.get("phase"), ready)


_STATUS_ONLY_KEYS = ("resourceVersion", "managedFields")


def _more_than_status(event: StoreEvent) -> bool:
    """False for an update of only its status: a controller's own status write (each
    reconcile's last step) gives that controller nothing new to reconcile."""
    old = event.old
    if event.type != "MODIFIED" or not old:
        return True
    new = event.object
    if new.get("spec") != old.get("spec"):
        return True
    nm, om = dict(new.get("metadata") or {}), dict(old.get("metadata") or {})
    for key in _STATUS_ONLY_KEYS:
        nm.pop(key, None)
        om.pop(key, None)
    return nm != om


def _pod_keys(event: StoreEvent) -> list[tuple[str, str]]:
    """`podfanout` keys: `ns/name` when an orphan may be adopted (the ReplicaSets must be
    searched), `ns/` when the pod may change its namespace's Endpoints. The latter is one
    key per namespace, so a burst of 1,000 pods starting costs a few Service scans, not
    1,000 (the queued key absorbs the events that arrive while it waits)."""
    new, old = event.object, event.old or {}
    keys = []
    if event.type != "DELETED" and not _controller_of(new) and (
            event.type == "ADDED" or _controller_of(old) or _labels(new) != _labels(old)):
        # One key per namespace, not per pod: a burst of bare pods costs one scan of
        # the namespace's ReplicaSets, whose reconciles adopt what matches.
        keys.append(("podfanout", ns_key(event.namespace, ORPHANS)))
    if _endpoints_may_change(event):
        keys.append(("podfanout", ns_key(event.namespace, "")))
    return keys


def _endpoints_may_change(event: StoreEvent) -> bool:
    """A pod without an IP is in no Endpoints, which spares a scan per pod created."""
    new, old = event.object, event.old or {}
    if event.type == "DELETED":
        return bool(_ip(new))
    if not (_ip(new) or _ip(old)):
        return False
    return _endpoint_view(new) != _endpoint_view(old) or _labels(new) != _labels(old)


def _ip(pod: dict) -> str:
    return (pod.get("status") or {}).get("podIP") or ""


def _labels(pod: dict) -> dict:
    return (pod.get("metadata") or {}).get("labels") or {}


def _controller_of(pod: dict) -> bool:
    return any(o.get("controller") for o in (pod.get("metadata") or {}).get("ownerReferences")
               or [] if isinstance(o, dict))


def _endpoint_view(pod: dict) -> tuple:
    status = pod.get("status") or {}
    ready = next((c.get("status") for c in status.get("conditions") or []
                  if c.get("type") == "Ready"), None)
    return (status.get("podIP"), ready, (pod.get("spec") or {}).get("nodeName"),
            bool(pod["metadata"].get("deletionTimestamp")))


def _gc_keys(event: StoreEvent, m: dict) -> list[tuple[str, str]]:
    keys = []
    if set(m.get("finalizers") or []) & set(GC_FINALIZERS) and m.get("deletionTimestamp"):
        keys.append(("gc", gc_object_key(event.kind, event.namespace, event.name)))
    if event.type == "DELETED" and m.get("uid") and event.kind not in ("Pod", "Event"):
        # Its dependents may now be orphans (Background propagation). An owner in
        # foreground deletion polls its dependents itself, so pods need no key here.
        keys.append(("gc", gc_owner_key(event.namespace, m["uid"])))
    return keys


# Written so often that counting them would cost more than any quota on them is worth.
_UNCOUNTED = ("Event", "Lease", "Endpoints")


def _quota_keys(event: StoreEvent) -> list[tuple[str, str]]:
    """The `resourcequota` key (the namespace) when something a quota counts changed:
    an object created or deleted, a pod finished, a Service's ports or type changed,
    or a quota's spec changed. Only namespaces known to have a quota (Redis, cached)."""
    if not event.namespace or event.kind in _UNCOUNTED:
        return []
    key = [("resourcequota", event.namespace)]
    new, old = event.object, event.old or {}
    if event.kind == "ResourceQuota":
        return key if event.type != "MODIFIED" or new.get("spec") != old.get("spec") else []
    if event.namespace not in resourcequota.namespaces_with_quota():
        return []
    if event.type in ("ADDED", "DELETED"):
        return key
    if event.kind == "Pod":
        phase = (new.get("status") or {}).get("phase")
        return key if phase != (old.get("status") or {}).get("phase") \
            and phase in ("Succeeded", "Failed") else []
    if event.kind == "Service":
        return key if new.get("spec") != old.get("spec") else []
    return []
