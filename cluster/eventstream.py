"""The store's event channel read in revision order, without gaps: shared by watch and dashboard.

Events come from the store's Redis channel; each carries its global revision, and
revisions have no gaps, so a reader that sees a jump fetches the missing ones from the
watch-event table before going on. That keeps every reader in revision order even when
publishers race or one dies after committing. The caller subscribes first, then reads
state, then feeds messages here; this class yields (rev, type, kind, obj) for the kinds
asked for that pass the visibility predicate.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import NamedTuple

from asgiref.sync import sync_to_async

from cluster.models import Revision, WatchEvent
from cluster.objects import loads

POLL_SECONDS = 2.0  # re-check the table now and then, in case a publish was lost

Visible = Callable[[str, str, str], bool]  # (kind, namespace, name) -> may this reader see it


class Event(NamedTuple):
    rev: int
    type: str
    kind: str
    obj: dict
    ts: int | None = None  # commit time in ms since the epoch (see catch_up for the table's)


class Compacted(Exception):
    """The reader's revision is older than the kept history (410 Gone in watch terms)."""

    def __init__(self, since: int, compacted: int) -> None:
        super().__init__(f"too old resource version: {since} ({compacted})")
        self.since = since
        self.compacted = compacted


def revision_state() -> tuple[int, int]:
    """(current revision, oldest revision still in the watch-event table)."""
    row = Revision.objects.filter(id=1).values_list("value", "compacted").first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _rows_between(kinds: tuple[str, ...], after: int,
                  upto: int) -> list[tuple[int, str, str, str, str, str, datetime]]:
    qs = WatchEvent.objects.filter(revision__gt=after, revision__lte=upto)
    qs = qs.filter(kind=kinds[0]) if len(kinds) == 1 else qs.filter(kind__in=kinds)
    return list(qs.order_by("revision")
                .values_list("revision", "type", "kind", "namespace", "name", "body",
                             "created"))


def _everyone(kind: str, namespace: str, name: str) -> bool:
    return True


class OrderedEvents:
    """One reader's position in the revision sequence, and the logic that keeps it gapless."""

    def __init__(self, kinds: Iterable[str], visible: Visible = _everyone, last: int = 0) -> None:
        self.kinds = tuple(kinds)
        self.visible = visible
        self.last = last

    def _keep(self, kind: str, namespace: str, name: str) -> bool:
        return kind in self.kinds and self.visible(kind, namespace, name)

    async def catch_up(self, upto: int) -> list[Event]:
        """Events after `last` up to `upto` from the table; `last` moves to `upto`."""
        rows = await sync_to_async(_rows_between)(self.kinds, self.last, upto) \
            if upto > self.last else []
        # Stamped with the row's write time, just before its commit (an overtaken publish
        # is read from here): a reader timing the delta sees it no shorter than it was.
        out = [Event(rev, event_type, kind, loads(body), int(created.timestamp() * 1000))
               for rev, event_type, kind, ns, name, body, created in rows
               if self.visible(kind, ns, name)]
        self.last = max(self.last, upto)
        return out

    async def on_message(self, data: bytes | str) -> list[Event]:
        """One published message, preceded by any revisions it skipped over."""
        message = json.loads(data)
        rev = int(message["rev"])
        if rev <= self.last:
            return []
        out = await self.catch_up(rev - 1) if rev > self.last + 1 else []
        self.last = rev
        kind = message["kind"]
        if self._keep(kind, message.get("ns", ""), message.get("name", "")):
            out.append(Event(rev, message["type"], kind, message["object"], message.get("ts")))
        return out

    async def check_table(self) -> list[Event]:
        """The periodic safety net: raises Compacted, else returns what a lost publish hid."""
        current, compacted = await sync_to_async(revision_state)()
        if self.last < compacted:
            raise Compacted(self.last, compacted)
        return await self.catch_up(current)
