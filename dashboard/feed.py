"""One dashboard socket's place in the event stream: gapless, in revision order, its own pace.

The process's shared reader (dashboard/fanout.py) parses, orders and routes each event
once and offers it to every follower allowed to see it; a follower queues what it is
offered and hands it to its socket in batches. Joining the reader comes first, so from
then on every visible event lands in the queue; `batches(since)` then catches up from
the watch-event table, (since, current], with the same reader `?watch=1` uses
(cluster/eventstream.py, filtered by what this user may see; it raises Compacted for a
`since` older than the kept history), and goes on with the queue, skipping what the
catch-up already sent. The queue is bounded: a socket that cannot keep up (or a reader
that lost its place) gets Behind, and the socket starts again from a snapshot.
"""
from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from functools import partial

from cluster.auth import Principal
from cluster.eventstream import Compacted, OrderedEvents
from dashboard.visibility import KINDS, can_see
from dashboard.wire import Delta, delta

__all__ = ["Behind", "Compacted", "Follower"]
MAX_BATCH = 500  # events per batch; a burst becomes a few frames, not thousands
# Events a socket may have waiting. A teacher's socket sees every event, and the reader
# offers a whole burst before the socket's task next runs (creating a 1,000-pod
# Deployment is a few thousand events), so well above one burst; the texts are shared
# between sockets, so a queue holds references, not copies.
MAX_QUEUED = 20_000


class Behind(Exception):
    """This socket's queue overflowed, or the shared reader had to start over: resync."""


class Follower:
    def __init__(self, principal: Principal, limit: int = MAX_QUEUED) -> None:
        self.principal = principal
        self.limit = limit
        self._queue: deque[Delta] = deque()
        self._wake = asyncio.Event()
        self._behind = False
        self._error: BaseException | None = None

    # --- called by the shared reader (synchronously: never blocks it) ---
    def offer(self, item: Delta) -> None:
        if self._behind:
            return
        if len(self._queue) >= self.limit:
            self.resync()
            return
        self._queue.append(item)
        self._wake.set()

    def resync(self) -> None:
        """Drop what is queued; the socket's next look raises Behind."""
        self._behind = True
        self._queue.clear()
        self._wake.set()

    def fail(self, error: BaseException) -> None:
        self._error = error
        self._wake.set()

    # --- called by the socket ---
    def rewind(self) -> None:
        """Before a new snapshot is read: queue again from here on (the snapshot is newer
        than anything dropped, see dashboard/snapshot.py build())."""
        self._behind = False
        self._queue.clear()

    @property
    def queued(self) -> int:
        return len(self._queue)

    async def batches(self, since: int) -> AsyncIterator[list[str]]:
        """Wire texts of the events after `since`, in revision order, in batches."""
        reader = OrderedEvents(KINDS, partial(can_see, self.principal), since)
        caught_up = await reader.check_table()  # raises Compacted for a too-old `since`
        last = reader.last
        for start in range(0, len(caught_up), MAX_BATCH):
            yield [delta(e).text for e in caught_up[start:start + MAX_BATCH]]
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._error is not None:
                raise self._error
            if self._behind:
                raise Behind()
            batch: list[str] = []
            while self._queue and len(batch) < MAX_BATCH:
                item = self._queue.popleft()
                if item.rev > last:  # the catch-up may already have sent it
                    batch.append(item.text)
                    last = item.rev
            if self._queue:
                self._wake.set()  # more than one batch waiting: go round again
            if batch:
                yield batch
