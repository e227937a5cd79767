"""One store event as the dashboard socket sends it, serialised once for every viewer.

The wire form ({rev, type, kind, object, ts}) does not depend on who receives it, so the
shared fan-out (dashboard/fanout.py) builds it once per event and hands the same text to
every socket allowed to see it; only a socket's own catch-up from the table builds its
own. The namespace and name travel alongside for routing and the visibility check.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from cluster.eventstream import Event
from dashboard.snapshot import slim


@dataclass(frozen=True, slots=True)
class Delta:
    rev: int
    kind: str
    namespace: str  # "" for cluster-scoped kinds (a Namespace is seen by its name)
    name: str
    text: str  # the JSON of {rev, type, kind, object[, ts]}


def where(event: Event) -> tuple[str, str]:
    """(namespace, name) of the event's object, as visibility.can_see takes them."""
    m = event.obj.get("metadata") or {}
    return m.get("namespace") or "", m.get("name") or ""


def delta(event: Event) -> Delta:
    namespace, name = where(event)
    event.obj.setdefault("kind", event.kind)
    wire = {"rev": event.rev, "type": event.type, "kind": event.kind, "object": slim(event.obj)}
    if event.ts is not None:
        wire["ts"] = event.ts  # the commit time, passed on for measuring commit → screen
    return Delta(event.rev, event.kind, namespace, name,
                 json.dumps(wire, separators=(",", ":")))
