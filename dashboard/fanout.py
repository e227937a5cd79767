"""One subscription to the store's event channel per process, shared by every dashboard socket.

Each socket used to subscribe on its own and parse, order and filter every event: with
a class of thirty-one maps open, every event was handled thirty-one times in the one
Daphne process, though a student sees only their namespace and the nodes. Here one
reader per event loop subscribes, keeps the revision order without gaps
(cluster/eventstream.py's OrderedEvents, the same logic `?watch=1` uses, over every
kind the map draws), serialises each event once (dashboard/wire.py) and offers it only
to the followers (dashboard/feed.py) whose user may see it (dashboard/audience.py).
Offering never waits: each follower has its own queue and task, so a slow socket holds
up nobody. The reader starts with the first socket and stops with the last.
"""
from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings

from cluster.auth import Principal
from cluster.eventstream import POLL_SECONDS, Compacted, Event, OrderedEvents, revision_state
from dashboard.audience import Audience
from dashboard.feed import MAX_QUEUED, Follower
from dashboard.visibility import KINDS
from dashboard.wire import delta, where

log = logging.getLogger(__name__)
# Messages read before the reader lets the sockets' tasks run: they send what is queued
# while the reader waits, so a long burst does not hold the first events back.
BURST = 64

Subscribe = Callable[[], Awaitable[tuple[object, Callable[[], Awaitable[None]]]]]


async def redis_subscription() -> tuple[object, Callable[[], Awaitable[None]]]:
    """A pubsub subscribed to the store's event channel, and how to close it."""
    client = aioredis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(settings.EVENTS_CHANNEL)
    except BaseException:
        await pubsub.aclose()
        await client.aclose()
        raise

    async def close() -> None:
        await pubsub.aclose()
        await client.aclose()
    return pubsub, close


class Hub:
    def __init__(self, subscribe: Subscribe = redis_subscription) -> None:
        self.audience = Audience()
        self.events = OrderedEvents(KINDS)
        self.closed = False
        self.joining = 0  # sockets waiting for the start
        self._subscribe = subscribe
        self._started: asyncio.Task | None = None
        self._task: asyncio.Task | None = None

    async def ready(self) -> None:
        if self._started is None:
            self._started = asyncio.ensure_future(self._start())
        await asyncio.shield(self._started)

    async def _start(self) -> None:
        # Subscribe before reading the revision: nothing committed after it is missed.
        pubsub, close = await self._subscribe()
        try:
            current, _ = await sync_to_async(revision_state)()
        except BaseException:
            await close()
            raise
        self.events = OrderedEvents(KINDS, last=current)
        self._task = asyncio.ensure_future(self._run(pubsub))
        # Closed however the task ends, even cancelled before its first step (a `finally`
        # in _run would not run then).
        self._task.add_done_callback(lambda _: asyncio.ensure_future(close()))

    def add(self, follower: Follower) -> None:
        """From now on `follower` is offered every event after the reader's position."""
        self.audience.add(follower)

    def discard(self, follower: Follower) -> None:
        self.audience.discard(follower)

    def stop(self) -> None:
        self.closed = True
        for task in (self._started, self._task):
            if task is not None:
                task.cancel()

    def route(self, events: list[Event]) -> None:
        """Offer each event, serialised once, to the followers that may see it."""
        for event in events:
            namespace, name = where(event)
            followers = self.audience.of(event.kind, namespace, name)
            if followers:
                item = delta(event)
                for follower in followers:
                    follower.offer(item)

    async def _run(self, pubsub) -> None:
        try:
            next_poll = time.monotonic() + POLL_SECONDS
            while True:
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                read = 0
                while msg is not None:
                    self.route(await self.events.on_message(msg["data"]))
                    read += 1
                    if read >= BURST:
                        break
                    msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0)
                await asyncio.sleep(0)  # the sockets send what was just queued
                if time.monotonic() >= next_poll:
                    next_poll = time.monotonic() + POLL_SECONDS
                    await self._check_table()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("dashboard event reader failed")
            self.closed = True
            for follower in self.audience:
                follower.fail(exc)
        finally:
            _forget(self)

    async def _check_table(self) -> None:
        """The safety net for lost publishes; if even the table has moved past this
        reader (it was stalled that long), every socket starts over from a snapshot."""
        try:
            self.route(await self.events.check_table())
        except Compacted:
            current, _ = await sync_to_async(revision_state)()
            self.events = OrderedEvents(KINDS, last=current)
            for follower in self.audience:
                follower.resync()


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()
_home: weakref.WeakKeyDictionary[Follower, Hub] = weakref.WeakKeyDictionary()


def _forget(hub: Hub) -> None:
    loop = asyncio.get_running_loop()
    if _hubs.get(loop) is hub:
        del _hubs[loop]


async def join(principal: Principal, limit: int = MAX_QUEUED,
               subscribe: Subscribe = redis_subscription) -> Follower:
    """A follower offered every event after this moment that `principal` may see."""
    loop = asyncio.get_running_loop()
    while True:
        hub = _hubs.get(loop)
        if hub is None:
            hub = _hubs[loop] = Hub(subscribe)
        hub.joining += 1
        try:
            await hub.ready()
        except asyncio.CancelledError:
            # The socket closed while the reader started: the last one out stops it.
            hub.joining -= 1
            _stop_if_unused(hub)
            raise
        except Exception:  # the start failed (Redis, database): the next socket tries anew
            hub.joining -= 1
            _forget(hub)
            raise
        hub.joining -= 1
        if not hub.closed:  # it may have stopped while this socket waited for it
            follower = Follower(principal, limit)
            hub.add(follower)
            _home[follower] = hub
            return follower


def _stop_if_unused(hub: Hub) -> None:
    if not len(hub.audience) and not hub.joining:
        _forget(hub)
        hub.stop()


def leave(follower: Follower) -> None:
    hub = _home.pop(follower, None)
    if hub is None:
        return
    hub.discard(follower)
    _stop_if_unused(hub)
