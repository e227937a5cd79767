"""Poll a URL until it answers 200, giving up early if the cluster dies meanwhile."""
from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Probe:
    ok: bool
    status: int = 0
    body: str = ""


def probe(url: str, timeout: float = 2.0) -> Probe:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return Probe(response.status == 200, response.status, response.read(2000).decode())
    except urllib.error.HTTPError as exc:
        return Probe(False, exc.code, exc.read(2000).decode(errors="replace"))
    except (urllib.error.URLError, OSError) as exc:
        return Probe(False, 0, str(exc))


def wait_ready(
    url: str, timeout: float, abort: Callable[[], str | None] | None = None, interval: float = 0.3
) -> Probe:
    """Return the first 200 probe, or the last failing one at the deadline.

    `abort` returns a reason when waiting is pointless (a process died); the
    returned probe then carries that reason as its body.
    """
    deadline = time.monotonic() + timeout
    last = Probe(False, 0, "not probed yet")
    while time.monotonic() < deadline:
        reason = abort() if abort else None
        if reason:
            return Probe(False, 0, reason)
        last = probe(url)
        if last.ok:
            return last
        time.sleep(interval)
    return last
