"""Give a test cluster its own Redis database number on a shared Redis.

Celery queues and the channel layer live in the selected Redis DB, so two clusters
on different DB numbers never consume each other's tasks (a `make run` cluster and a
test session, or two engineers' test sessions). Pub/sub is server-wide, which is why
callers also set a unique KUBELAB_EVENTS_CHANNEL.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse

LEASE_KEY = "kubelab:test-lease"
LEASE_SECONDS = 4 * 3600  # outlives any test session; a crashed session frees it by expiry


@dataclass
class RedisLease:
    url: str
    db: int
    token: str

    def release(self) -> None:
        """Empty the database and give it back."""
        import redis

        client = redis.Redis.from_url(self.url)
        try:
            if client.get(LEASE_KEY) == self.token.encode():
                client.flushdb()
        finally:
            client.close()


def _with_db(url: str, db: int) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{db}"))


def _db_of(url: str) -> int:
    path = urlparse(url).path.strip("/")
    return int(path) if path.isdigit() else 0


def claim_redis_db(base_url: str) -> RedisLease:
    """Claim a free DB number (never the one `base_url` uses) and clear what a dead run left."""
    import redis

    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(base_url)
    try:
        count = int(client.config_get("databases").get("databases", 16))
    except redis.RedisError:
        count = 16
    finally:
        client.close()
    skip = _db_of(base_url)
    for db in range(count - 1, 0, -1):  # from the top: the default db 0 is for humans
        if db == skip:
            continue
        url = _with_db(base_url, db)
        client = redis.Redis.from_url(url)
        try:
            if not client.set(LEASE_KEY, token, nx=True, ex=LEASE_SECONDS):
                continue
            for key in client.scan_iter(count=500):
                if key != LEASE_KEY.encode():
                    client.delete(key)
            return RedisLease(url=url, db=db, token=token)
        finally:
            client.close()
    raise RuntimeError(f"no free Redis database on {base_url} (all {count - 1} are leased)")
