"""One dashboard socket's view of the store's event channel: gapless, in revision order.

The ordering, gap-filling and compaction check are cluster/eventstream.py's (the same
reader `?watch=1` uses), over every kind the map draws at once, filtered by what this
user may see; this module only batches the events into websocket frames.
"""
from __future__ import annotations

import time
from collections.abc import AsyncIterator
from functools import partial

from cluster.auth import Principal
from cluster.eventstream import POLL_SECONDS, Compacted, Event, OrderedEvents
from dashboard.snapshot import slim
from dashboard.visibility import KINDS, can_see

__all__ = ["Compacted", "Feed"]
MAX_BATCH = 500  # events per websocket frame; a burst becomes a few frames, not thousands


def _wire(event: Event) -> dict:
    event.obj.setdefault("kind", event.kind)
    wire = {"rev": event.rev, "type": event.type, "kind": event.kind, "object": slim(event.obj)}
    if event.ts is not None:
        wire["ts"] = event.ts  # the commit time, passed on for measuring commit → screen
    return wire


class Feed:
    def __init__(self, principal: Principal, since: int) -> None:
        self.events = OrderedEvents(KINDS, partial(can_see, principal), since)

    @property
    def last(self) -> int:
        return self.events.last

    async def batches(self, pubsub) -> AsyncIterator[list[dict]]:
        """Catch-up first, then live events. `pubsub` must be subscribed already."""
        first = await self.events.check_table()  # raises Compacted for a too-old `since`
        if first:
            yield [_wire(e) for e in first]
        next_poll = time.monotonic() + POLL_SECONDS
        while True:
            batch: list[Event] = []
            msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            while msg is not None and len(batch) < MAX_BATCH:
                batch.extend(await self.events.on_message(msg["data"]))
                # Drain what is already here, so a burst goes out as one frame.
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
            if msg is not None:
                batch.extend(await self.events.on_message(msg["data"]))
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + POLL_SECONDS
                batch.extend(await self.events.check_table())
            if batch:
                yield [_wire(e) for e in batch]
