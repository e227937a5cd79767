"""Time travel's server half: one user's visible history as a base snapshot plus ordered events.

Where the history comes from (the decision, and why):

- The store already records every change as a WatchEvent row (revision, type, body,
  time), so the history is read from those rows: no second write path, no copy of each
  change. Watches need only ten minutes of them (settings.WATCH_HISTORY_SECONDS), a
  class needs a few hours, so compaction keeps the rows of the kinds the map draws for
  settings.HISTORY_SECONDS (default 3 h; dashboard/history_retention.py) while the watch
  window and its 410 mark stay as they were. High-churn kinds the map never draws
  (Leases) still go after ten minutes, which keeps the table small.
- Recording only in the browser, from the moment the page opened, was the alternative:
  free for the server, but a reload, or a projector opened late, would lose the start of
  the lesson. The browser does extend this history with what its socket brings after
  loading it, so the timeline always reaches the present.
- Keyframes (full states every N events) are computed in the browser
  (static/dashboard/timeline_history.js), from this one download: a seek is then the
  nearest keyframe plus at most N changes, with no round trip while dragging.

The state at the start of the kept history (revision H) is the present "rewound": an
object whose first kept event is ADDED did not exist at H; one whose first kept event is
MODIFIED or DELETED did, and is shown with that event's body (its older body was
compacted away, so the earliest moment is approximate for those objects only); every other
object has not changed since H. Base plus events then reproduces the present exactly.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from cluster.auth import Principal
from cluster.eventstream import revision_state
from cluster.models import WatchEvent
from dashboard import snapshot
from dashboard.snapshot import slim
from dashboard.visibility import CLUSTER_SCOPED, KINDS, can_see

Key = tuple[str, str, str]  # (kind, namespace, name)


def key_of(obj: dict) -> Key:
    m = obj.get("metadata") or {}
    return (obj.get("kind", ""), m.get("namespace") or "", m.get("name", ""))


def millis(when) -> int:
    return int(when.timestamp() * 1000)


@dataclass
class History:
    """What one user may see: the state at `base_rev`, then every change up to `upto`."""

    principal: Principal
    base_rev: int
    base_time: int            # ms since the epoch, just before the first kept event
    upto: int
    objects: list[dict]
    count: int                # events after the base
    first_revision: int = 0   # the first kept event (0: none)

    def events(self) -> Iterator[dict]:
        """The changes in revision order, in the websocket's wire form plus "t" (ms)."""
        if not self.count:
            return
        rows = _rows(self.principal).filter(revision__gte=self.first_revision,
                                            revision__lte=self.upto)
        for rev, typ, kind, ns, name, body, created in rows.values_list(
                "revision", "type", "kind", "namespace", "name", "body", "created"
        ).iterator(chunk_size=2000):
            if can_see(self.principal, kind, ns, name):
                yield {"rev": rev, "t": millis(created), "type": typ, "kind": kind,
                       "object": _body(kind, body)}


def rewind(current: list[dict], first: dict[Key, tuple[str, dict]]) -> list[dict]:
    """The state before the history starts, from the present and each key's first event.

    `first` maps a key to (type, body) of its oldest kept event: see the module docstring.
    """
    base = {key_of(obj): obj for obj in current}
    for key, (event_type, body) in first.items():
        if event_type == "ADDED":
            base.pop(key, None)
        else:
            base[key] = body
    return list(base.values())


def _rows(principal: Principal):
    qs = WatchEvent.objects.filter(kind__in=KINDS)
    if not principal.is_admin:  # the database does the coarse cut, can_see the exact one
        qs = qs.filter(Q(kind__in=tuple(CLUSTER_SCOPED))
                       | Q(namespace__in=tuple(principal.namespaces)))
    return qs.order_by("revision")


def _body(kind: str, body: str) -> dict:
    obj = json.loads(body)
    obj.setdefault("kind", kind)
    return slim(obj)


def read(principal: Principal) -> History:
    """Plan one user's history: the base snapshot now, the events streamed later."""
    # Order matters: objects first, then the revision, then rows up to it. Whatever
    # changed after the objects were read has its event at or below `upto`, so
    # base + events always ends exactly at the present that was read.
    current = snapshot.build(principal)["objects"]
    upto, _ = revision_state()
    first: dict[Key, tuple[str, int]] = {}
    count = 0
    first_rev = 0
    first_time = None
    for rev, typ, kind, ns, name, created in _rows(principal).filter(
            revision__lte=upto).values_list("revision", "type", "kind", "namespace", "name",
                                            "created").iterator(chunk_size=5000):
        if not can_see(principal, kind, ns, name):
            continue
        count += 1
        if not first_rev:
            first_rev, first_time = rev, created
        first.setdefault((kind, ns, name), (typ, rev))
    # Bodies only for the first events that put an object into the base.
    wanted = {rev: key for key, (typ, rev) in first.items() if typ != "ADDED"}
    bodies: dict[Key, dict] = {}
    revs = sorted(wanted)
    for start in range(0, len(revs), 500):
        for rev, kind, body in WatchEvent.objects.filter(
                revision__in=revs[start:start + 500]).values_list("revision", "kind", "body"):
            bodies[wanted[rev]] = _body(kind, body)
    objects = rewind(current, {key: (typ, bodies.get(key, {}))
                               for key, (typ, _) in first.items()
                               if typ == "ADDED" or key in bodies})
    base_time = millis(first_time) - 1 if first_time is not None else None
    return History(principal=principal, base_rev=first_rev - 1 if first_rev else upto,
                   base_time=base_time if base_time is not None else millis(timezone.now()),
                   upto=upto, objects=objects, count=count, first_revision=first_rev)

