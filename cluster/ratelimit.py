"""Per-token request rate limits for the API: a token bucket per token, in each API
process. Over the limit a request gets 429 TooManyRequests with Retry-After, as
kube-apiserver's max-in-flight and priority-and-fairness answer an overloaded client.

Why in process and not in Redis: a shared counter would add a Redis round trip to every
request, and the limit is there to keep one runaway student script from starving a
class, not to meter exactly. The API runs in two processes (cluster/runner/processes.py),
so a token may reach twice the rate in the worst case; the README says so. Admin tokens
are not limited: the teacher, benchmarks and the cluster's own tools use them.
"""
from __future__ import annotations

import math
import threading
import time

from django.conf import settings

from cluster.auth import Principal
from cluster.errors import TooManyRequests

_buckets: dict[str, list[float]] = {}  # principal name -> [tokens, last refill time]
_lock = threading.Lock()
MAX_BUCKETS = 10_000


def check(principal: Principal) -> None:
    """Take one request from the principal's bucket, or raise 429 with Retry-After."""
    rate = float(getattr(settings, "API_RATE_LIMIT", 0) or 0)
    if principal.is_admin or rate <= 0:
        return
    burst = max(1.0, float(getattr(settings, "API_RATE_BURST", 0) or rate * 2))
    now = time.monotonic()
    with _lock:
        bucket = _buckets.get(principal.name)
        if bucket is None:
            if len(_buckets) >= MAX_BUCKETS:
                _buckets.clear()
            bucket = _buckets[principal.name] = [burst, now]
        tokens = min(burst, bucket[0] + (now - bucket[1]) * rate)
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return
        bucket[0] = tokens
    wait = max(1, math.ceil((1.0 - tokens) / rate))
    raise TooManyRequests(f"too many requests from {principal.name}: the limit is "
                          f"{rate:g} per second; retry after {wait} s", retry_after=wait)


def reset() -> None:
    """Forget every bucket (tests)."""
    with _lock:
        _buckets.clear()
