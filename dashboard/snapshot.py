"""The first message a dashboard socket gets: every visible object and one resourceVersion."""
from __future__ import annotations

import json
from collections.abc import Iterator

from cluster import store
from cluster.auth import Principal
from dashboard.visibility import CLUSTER_SCOPED, KINDS, can_see, namespaces_to_list

MAX_EVENTS = 300  # the event panel shows recent history; older Events are not needed live


# Annotations the map never draws and the details panel fetches with the object: the
# scheduler's decision is ~13 KB per pod on a 1,000-node cluster, which made a
# 10,000-pod snapshot weigh over 100 MB.
UNDRAWN_ANNOTATIONS = ("scheduler.kubelab.io/decision",
                       "kubectl.kubernetes.io/last-applied-configuration")
# A stored body without any of these strings has nothing slim() would drop.
_SLIMMED = ('"managedFields"', *(f'"{name}"' for name in UNDRAWN_ANNOTATIONS))


def slim(obj: dict) -> dict:
    """Drop what is large and never drawn: managedFields and the annotations above."""
    m = obj.get("metadata") or {}
    m.pop("managedFields", None)
    annotations = m.get("annotations")
    if isinstance(annotations, dict):
        for name in UNDRAWN_ANNOTATIONS:
            annotations.pop(name, None)
    return obj


def _lists(principal: Principal) -> Iterator[tuple[str, int, list[str]]]:
    """(kind, revision read before its rows, stored bodies) per list the user may read."""
    for kind in KINDS:
        scopes = [None] if kind in CLUSTER_SCOPED else namespaces_to_list(principal)
        for ns in scopes:
            result = store.list_objects(kind, ns)
            yield kind, result.resource_version, result.items


def _parsed(principal: Principal, kind: str, body: str) -> dict | None:
    obj = json.loads(body)
    m = obj["metadata"]
    if not can_see(principal, kind, m.get("namespace", ""), m["name"]):
        return None
    obj.setdefault("kind", kind)
    return slim(obj)


def _recent(events: list[dict]) -> list[dict]:
    events.sort(key=lambda e: e.get("lastTimestamp") or e["metadata"]
                .get("creationTimestamp") or "")
    return events[-MAX_EVENTS:]


def build(principal: Principal) -> dict:
    """Objects plus the revision they are at least as new as.

    Each list reads the revision before its rows, and the lowest of those is returned:
    replaying deltas from it may repeat changes the snapshot already shows (harmless, the
    browser drops events older than what it holds) but can never skip one.
    """
    objects: list[dict] = []
    revisions: list[int] = []
    events: list[dict] = []
    for kind, rev, bodies in _lists(principal):
        revisions.append(rev)
        found = [o for o in (_parsed(principal, kind, b) for b in bodies) if o is not None]
        (events if kind == "Event" else objects).extend(found)
    objects.extend(_recent(events))
    return {"type": "snapshot", "rv": min(revisions) if revisions else 0, "objects": objects}


def build_text(principal: Principal) -> tuple[int, list[str]]:
    """What build() returns, with each object as JSON text, for the socket.

    Parsing and re-serialising 10,000 stored bodies took about a second on a busy
    2-core machine, the largest part of a big cluster's first paint; most bodies need
    neither: the store always writes `kind` into them (admission sets it), a namespaced
    list is already limited to the user's namespaces, every user may see every Node,
    and a body without the strings slim() looks for loses nothing to it. Only those with
    such strings, Namespaces (visible by name) and Events (sorted, the newest kept) are
    parsed.
    """
    texts: list[str] = []
    revisions: list[int] = []
    events: list[dict] = []
    for kind, rev, bodies in _lists(principal):
        revisions.append(rev)
        for body in bodies:
            if kind in ("Namespace", "Event") or any(s in body for s in _SLIMMED):
                obj = _parsed(principal, kind, body)
                if obj is not None:
                    (events.append(obj) if kind == "Event"
                     else texts.append(json.dumps(obj, separators=(",", ":"))))
            else:
                texts.append(body)
    texts.extend(json.dumps(e, separators=(",", ":")) for e in _recent(events))
    return (min(revisions) if revisions else 0), texts
