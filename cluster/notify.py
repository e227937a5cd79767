"""After-commit notification of store events: publish to Redis, then dispatch to routes.

One committed write normally notifies at once. A caller writing many objects (the
ReplicaSet controller creating pods, the simulator's status batches, the scheduler's
bindings) wraps its transactions in `batched()`: every event committed inside is held
until the block ends, then all are published in one pipelined Redis round trip and
handed to the routes together, so a route can queue one key for fifty pods instead of
fifty times. Each event is added by its own transaction's on_commit hook, so events
of a savepoint or transaction that rolled back are never announced.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from cluster import events
from cluster.dispatch import StoreEvent, dispatch_many

_local = threading.local()


def committed(message: str, event: StoreEvent) -> None:
    """Called from the store's on_commit hook for each committed event."""
    # The commit's wall-clock time in ms, so a reader can tell how long the change took to
    # reach it (bench/classroom.py: commit → screen). Appended at the end: readers that
    # peek at the head ({"rev":N,...: the simulator's listener) are unaffected.
    message = f'{message[:-1]},"ts":{time.time_ns() // 1_000_000}}}'
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending.append((message, event))
    else:
        _send([(message, event)])


@contextmanager
def batched() -> Iterator[None]:
    """Hold notifications of events committed inside the block until it ends."""
    if getattr(_local, "pending", None) is not None:
        yield  # an outer block sends them
        return
    _local.pending = []
    try:
        yield
    finally:
        pending, _local.pending = _local.pending, None
        if pending:
            _send(pending)


def _send(pending: list[tuple[str, StoreEvent]]) -> None:
    events.publish_many([message for message, _ in pending])
    dispatch_many([event for _, event in pending])
