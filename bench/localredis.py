"""A Redis for one benchmark run: the one at REDIS_URL if it answers, else one started
here (on that port) and stopped afterwards, so each script runs from a clean machine."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cluster.runner.harness import DEFAULT_REDIS_URL
from cluster.runner.services import ensure_redis


@contextmanager
def local_redis() -> Iterator[str]:
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    handle = ensure_redis(url, Path(tempfile.mkdtemp(prefix="kubelab-bench-redis-")))
    try:
        yield url
    finally:
        handle.stop()
