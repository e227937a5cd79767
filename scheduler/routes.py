"""The store-event route (settings.KUBELAB_EVENT_ROUTES): queue pending pods that are
ours, forget deleted ones, and on cluster changes that can make unschedulable pods fit
(node added, uncordoned, relabelled, re-tainted, resized; a bound pod deleted or
relabelled) move parked pods back to backoff. Redis only: no database work here."""
from __future__ import annotations

from cluster.dispatch import StoreEvent
from scheduler import kick, queue

_NODE_FIELDS = (("spec", "unschedulable"), ("spec", "taints"), ("metadata", "labels"),
                ("status", "allocatable"), ("status", "conditions"))


def _node_changed(old: dict | None, new: dict) -> bool:
    if old is None:
        return True
    return any((old.get(a) or {}).get(b) != (new.get(a) or {}).get(b) for a, b in _NODE_FIELDS)


def route(event: StoreEvent) -> None:
    if _handle(event):
        kick.kick()


def _route_many(events: list[StoreEvent]) -> None:
    # New pending pods of ours are queued together (one Redis round trip), the rest one
    # by one; then one kick for the whole batch instead of one per pod.
    fresh = [e.object for e in events if e.kind == "Pod" and e.type == "ADDED"
             and kick.ours(e.object)]
    wake = queue.add_many([(kick.pod_key(p), kick.priority_hint(p), kick.created_ms(p))
                           for p in fresh]) > 0
    ids = {id(p) for p in fresh}
    for event in events:
        if id(event.object) not in ids and _handle(event):
            wake = True
    if wake:
        kick.kick()


route.many = _route_many  # type: ignore[attr-defined]


def _handle(event: StoreEvent) -> bool:
    """Queue, forget or revive pods for one event; True when the scheduler should run."""
    obj = event.object
    if event.kind == "Node":
        return event.type != "DELETED" and _node_changed(event.old, obj) and bool(queue.unpark())
    if event.kind != "Pod":
        return False
    key = kick.pod_key(obj)
    node = (obj.get("spec") or {}).get("nodeName")
    if event.type == "DELETED":
        queue.done(key)
        return bool(node) and bool(queue.unpark())
    if node:
        old_labels = ((event.old or {}).get("metadata") or {}).get("labels")
        freed = (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed") \
            and ((event.old or {}).get("status") or {}).get("phase") != \
            (obj.get("status") or {}).get("phase")
        relabelled = event.old is not None and old_labels != (obj.get("metadata") or {}).get(
            "labels")
        return bool(freed or relabelled) and bool(queue.unpark())
    return kick.ours(obj) and queue.add(key, kick.priority_hint(obj), kick.created_ms(obj))
