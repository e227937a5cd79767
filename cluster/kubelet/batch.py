"""Many store writes in one database transaction (one commit, one fsync).

Each write keeps its own savepoint inside the batch, so one failing write (a pod
deleted meanwhile) rolls back alone while the others commit. The store publishes
every event after the outer commit, so watchers see the batch at once. Batches stay
small because the revision lock is held until the batch commits.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import transaction

from cluster import notify
from cluster.errors import ApiError, NotFound

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_BATCH = 100


def run_batch(ops: Iterable[Callable[[], T]], size: int = DEFAULT_BATCH,
              on_error: Callable[[Callable[[], T], Exception], None] | None = None,
              ) -> list[T | None]:
    """Run write callables `size` per transaction; returns each result (None when it failed).

    NotFound and other API errors are handed to `on_error` (default: NotFound ignored,
    the rest logged), so a batch never fails because one object changed under it.
    """
    results: list[T | None] = []
    chunk: list[Callable[[], T]] = []

    def flush() -> None:
        # Announced together after the commit: one Redis round trip for the batch.
        with notify.batched(), transaction.atomic():
            for op in chunk:
                try:
                    results.append(op())
                except ApiError as exc:
                    results.append(None)
                    if on_error is not None:
                        on_error(op, exc)
                    elif not isinstance(exc, NotFound):
                        log.warning("batched write failed: %s", exc)
        chunk.clear()

    for op in ops:
        chunk.append(op)
        if len(chunk) >= size:
            flush()
    if chunk:
        flush()
    return results
