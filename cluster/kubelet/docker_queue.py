"""A de-duplicating, delayable work queue of pod keys, served by a few threads.

Like client-go's workqueue: a key queued twice before a worker takes it runs once;
a key queued while it runs is run again afterwards (never twice at once), so one
pod is synced by one thread at a time while different pods proceed in parallel.
"""
from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections

log = logging.getLogger("kubelab.kubelet.queue")

Key = tuple[str, str]


class KeyQueue:
    def __init__(self, handle: Callable[[str, str], None], workers: int = 4) -> None:
        self._handle = handle
        self._cond = threading.Condition()
        self._ready: list[Key] = []
        self._queued: set[Key] = set()
        self._running: set[Key] = set()
        self._dirty: set[Key] = set()
        self._later: list[tuple[float, Key]] = []
        self._stop = False
        self._threads = [threading.Thread(target=self._work, daemon=True, name=f"sync-{i}")
                         for i in range(workers)]

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def add(self, namespace: str, name: str, delay: float = 0.0) -> None:
        key = (namespace, name)
        with self._cond:
            if delay > 0:
                heapq.heappush(self._later, (time.monotonic() + delay, key))
            elif key in self._running:
                self._dirty.add(key)
            elif key not in self._queued:
                self._queued.add(key)
                self._ready.append(key)
            self._cond.notify()

    def _take(self) -> Key | None:
        with self._cond:
            while not self._stop:
                now = time.monotonic()
                while self._later and self._later[0][0] <= now:
                    _, key = heapq.heappop(self._later)
                    if key in self._running:
                        self._dirty.add(key)
                    elif key not in self._queued:
                        self._queued.add(key)
                        self._ready.append(key)
                for i, key in enumerate(self._ready):
                    if key not in self._running:
                        self._ready.pop(i)
                        self._queued.discard(key)
                        self._running.add(key)
                        return key
                timeout = (self._later[0][0] - now) if self._later else 1.0
                self._cond.wait(max(0.01, min(timeout, 1.0)))
            return None

    def _done(self, key: Key) -> None:
        with self._cond:
            self._running.discard(key)
            if key in self._dirty:
                self._dirty.discard(key)
                if key not in self._queued:
                    self._queued.add(key)
                    self._ready.append(key)
            self._cond.notify_all()

    def _work(self) -> None:
        while True:
            key = self._take()
            if key is None:
                return
            try:
                close_old_connections()
                self._handle(*key)
            except Exception:  # noqa: BLE001  (one pod's failure must not stop the node)
                log.exception("sync of pod %s/%s failed; retrying in 2 s", *key)
                self.add(*key, delay=2.0)
            finally:
                self._done(key)
