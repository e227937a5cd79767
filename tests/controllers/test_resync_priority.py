"""Resync keys queue behind the keys changes queue (Celery's Redis priority lists), and a
change to a key only a resync queued puts it in front again. Real Redis, no workers: the
messages are read where the workers would take them."""
from __future__ import annotations

import uuid

from cluster.controllers import runtime
from cluster.controllers import settings as cs
from cluster.events import redis_client

# kombu's Redis transport: the step-0 list is the queue's name, step 9 is name + sep + 9.
FRONT, BEHIND = cs.QUEUE, f"{cs.QUEUE}\x06\x169"


def queued(lst: str, key: str) -> int:
    return sum(1 for m in redis_client().lrange(lst, 0, -1) if key.encode() in m)


def test_resync_queues_behind_and_a_change_promotes_the_key():
    key = f"ns-{uuid.uuid4().hex[:8]}/web"
    try:
        assert runtime.enqueue("replicaset", key, low=True)
        assert not runtime.enqueue("replicaset", key, low=True)  # de-duplicated
        assert (queued(FRONT, key), queued(BEHIND, key)) == (0, 1)
        assert runtime.enqueue("replicaset", key)  # a change: queued again, in front
        assert not runtime.enqueue("replicaset", key)
        assert not runtime.enqueue("replicaset", key, low=True)
        assert (queued(FRONT, key), queued(BEHIND, key)) == (1, 1)
    finally:
        for lst in (FRONT, BEHIND):
            for m in redis_client().lrange(lst, 0, -1):
                if key.encode() in m:
                    redis_client().lrem(lst, 0, m)
        redis_client().delete(runtime._mark("replicaset", key))
