"""Django's SQLite backend, with writers queued on a kernel file lock.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps
and retries with growing pauses (up to 100 ms a try). With several processes writing
(API workers, controllers, scheduler, kubelets or the simulator) most of the waiting was
those sleeps, not the work: a write could wait 100 ms for a lock freed after 2 ms.

Here every transaction first takes an exclusive flock on `<database>.writelock`, then
BEGIN IMMEDIATE. The kernel wakes the next waiter the moment the lock is released, so
writers go one after the other without gaps (the "short lock before the transaction"
of ../shared/perf-notes.md, across processes). A process that dies holding the lock
loses it with its file descriptor. Transactions are the store's short write
transactions; reads outside them (WAL mode) never take the lock.
"""
from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base

# KUBELAB_SQLITE_WRITE_LOCK=0 turns the lock off (to compare; see docs/benchmarks.md).
ENABLED = os.environ.get("KUBELAB_SQLITE_WRITE_LOCK", "1") != "0"


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_fd: int | None = None
    _locked = False

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict.get("NAME") or "")
        if not name or self.is_in_memory_db():
            return None
        return name + ".writelock"

    def _take_write_lock(self) -> None:
        path = self._lock_path() if ENABLED else None
        if path is None:
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        self._locked = True

    def _drop_write_lock(self) -> None:
        if self._locked and self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        self._locked = False

    def _start_transaction_under_autocommit(self) -> None:
        self._take_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._drop_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._drop_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._drop_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._drop_write_lock()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
