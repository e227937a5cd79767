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
    obj = event.object
    if event.kind == "Node":
        if event.type != "DELETED" and _node_changed(event.old, obj):
            if queue.unpark():
                kick.kick()
        return
    if event.kind != "Pod":
        return
    key = kick.pod_key(obj)
    node = (obj.get("spec") or {}).get("nodeName")
    if event.type == "DELETED":
        queue.done(key)
        if node and queue.unpark():
            kick.kick()
        return
    if node:
        old_labels = ((event.old or {}).get("metadata") or {}).get("labels")
        freed = (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed") \
            and ((event.old or {}).get("status") or {}).get("phase") != \
            (obj.get("status") or {}).get("phase")
        relabelled = event.old is not None and old_labels != (obj.get("metadata") or {}).get(
            "labels")
        if (freed or relabelled) and queue.unpark():
            kick.kick()
        return
    if kick.ours(obj) and queue.add(key, kick.priority_hint(obj), kick.created_ms(obj)):
        kick.kick()
