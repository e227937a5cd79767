"""Turn SIGINT/SIGTERM into an exception the main thread can unwind with `finally`."""
from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


class Interrupted(BaseException):
    """Raised in the main thread on SIGINT/SIGTERM (BaseException: no `except Exception`
    in between should swallow a request to stop)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise(signum: int, _frame: object) -> None:
    # Further signals during the cleanup must not interrupt the cleanup itself.
    hold_signals()
    raise Interrupted(signum)


def hold_signals() -> None:
    """Ignore SIGINT/SIGTERM from now on (used once shutdown has begun)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGINT/SIGTERM raise Interrupted; handlers are restored after."""
    old = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGINT, _raise)
    signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old[0])
        signal.signal(signal.SIGTERM, old[1])
