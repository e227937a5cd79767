"""The first message a dashboard socket gets: every visible object and one resourceVersion."""
from __future__ import annotations

import json

from cluster import store
from cluster.auth import Principal
from dashboard.visibility import CLUSTER_SCOPED, KINDS, can_see, namespaces_to_list

MAX_EVENTS = 300  # the event panel shows recent history; older Events are not needed live


# Annotations the map never draws and the details panel fetches with the object: the
# scheduler's decision is ~13 KB per pod on a 1,000-node cluster, which made a
# 10,000-pod snapshot weigh over 100 MB.
UNDRAWN_ANNOTATIONS = ("scheduler.kubelab.io/decision",
                       "kubectl.kubernetes.io/last-applied-configuration")


def slim(obj: dict) -> dict:
    """Drop what is large and never drawn: managedFields and the annotations above."""
    m = obj.get("metadata") or {}
    m.pop("managedFields", None)
    annotations = m.get("annotations")
    if isinstance(annotations, dict):
        for name in UNDRAWN_ANNOTATIONS:
            annotations.pop(name, None)
    return obj


def build(principal: Principal) -> dict:
    """Objects plus the revision they are at least as new as.

    Each list reads the revision before its rows, and the lowest of those is returned:
    replaying deltas from it may repeat changes the snapshot already shows (harmless, the
    browser drops events older than what it holds) but can never skip one.
    """
    objects: list[dict] = []
    revisions: list[int] = []
    for kind in KINDS:
        scopes = [None] if kind in CLUSTER_SCOPED else namespaces_to_list(principal)
        found: list[dict] = []
        for ns in scopes:
            result = store.list_objects(kind, ns)
            revisions.append(result.resource_version)
            for body in result.items:
                obj = json.loads(body)
                m = obj["metadata"]
                if can_see(principal, kind, m.get("namespace", ""), m["name"]):
                    obj.setdefault("kind", kind)
                    found.append(slim(obj))
        if kind == "Event":
            found.sort(key=lambda e: e.get("lastTimestamp") or e["metadata"]
                       .get("creationTimestamp") or "")
            found = found[-MAX_EVENTS:]
        objects.extend(found)
    return {"type": "snapshot", "rv": min(revisions) if revisions else 0, "objects": objects}
