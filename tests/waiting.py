"""Polling with a deadline: how tests wait for the cluster (never a bare sleep)."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
DEADLINE = 20.0


def wait_for(condition: Callable[[], T], what: str, timeout: float = DEADLINE,
             every: float = 0.05) -> T:
    """The first truthy value of `condition()`, or AssertionError naming `what`."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        last = condition()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")
