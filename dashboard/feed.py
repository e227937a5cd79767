"""One dashboard socket's view of the store's event channel: gapless, in revision order.

The same discipline as cluster/api/watch.py's EventStream (subscribe first, catch up from
the watch-event table, fill any gap from it, notice compaction), but over every kind the
map draws at once and yielding batches of dicts rather than per-kind text lines.
"""
from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async

from cluster.api.watch import _revision_state
from cluster.auth import Principal
from cluster.models import WatchEvent
from dashboard.snapshot import slim
from dashboard.visibility import KINDS, can_see

POLL_SECONDS = 2.0  # re-check the table now and then, in case a publish was lost
MAX_BATCH = 500  # events per websocket frame; a burst becomes a few frames, not thousands


class Compacted(Exception):
    """The requested revision is older than the kept history: the client must re-snapshot."""


def _rows_between(after: int, upto: int) -> list[tuple[int, str, str, str, str, str]]:
    return list(WatchEvent.objects.filter(revision__gt=after, revision__lte=upto,
                                          kind__in=KINDS).order_by("revision")
                .values_list("revision", "type", "kind", "namespace", "name", "body"))


class Feed:
    def __init__(self, principal: Principal, since: int) -> None:
        self.principal = principal
        self.last = since

    def _event(self, rev: int, event_type: str, kind: str, ns: str, name: str,
               obj: dict) -> dict | None:
        if not can_see(self.principal, kind, ns, name):
            return None
        obj.setdefault("kind", kind)
        return {"rev": rev, "type": event_type, "kind": kind, "object": slim(obj)}

    async def _catch_up(self, upto: int) -> list[dict]:
        out: list[dict] = []
        for rev, event_type, kind, ns, name, body in await sync_to_async(_rows_between)(
                self.last, upto):
            event = self._event(rev, event_type, kind, ns, name, json.loads(body))
            if event:
                out.append(event)
        self.last = max(self.last, upto)
        return out

    async def _on_message(self, data: bytes) -> list[dict]:
        message = json.loads(data)
        rev = int(message["rev"])
        if rev <= self.last:
            return []
        out = await self._catch_up(rev - 1) if rev > self.last + 1 else []
        self.last = rev
        event = self._event(rev, message["type"], message["kind"], message.get("ns", ""),
                            message["name"], message["object"])
        return out + [event] if event else out

    async def batches(self, pubsub) -> AsyncIterator[list[dict]]:
        """Catch-up first, then live events. `pubsub` must be subscribed already."""
        current, compacted = await sync_to_async(_revision_state)()
        if self.last < compacted:
            raise Compacted(f"revision {self.last} is older than the history ({compacted})")
        first = await self._catch_up(current)
        if first:
            yield first
        next_poll = time.monotonic() + POLL_SECONDS
        while True:
            batch: list[dict] = []
            msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            while msg is not None and len(batch) < MAX_BATCH:
                batch.extend(await self._on_message(msg["data"]))
                # Drain what is already here, so a burst goes out as one frame.
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
            if msg is not None:
                batch.extend(await self._on_message(msg["data"]))
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + POLL_SECONDS
                current, compacted = await sync_to_async(_revision_state)()
                if self.last < compacted:
                    raise Compacted(f"revision {self.last} was compacted ({compacted})")
                batch.extend(await self._catch_up(current))
            if batch:
                yield batch
