"""Publishing committed store events to Redis, once, after commit.

Every watch stream, dashboard socket and controller queue reads this one
channel. A message carries the global revision, so a reader that notices a
gap (a publisher died between commit and publish, or two publishers raced)
fills it from the watch-event table, where revisions have no gaps.
"""
from __future__ import annotations

import logging
import threading

import redis
from django.conf import settings

log = logging.getLogger(__name__)
_local = threading.local()


def redis_client() -> redis.Redis:
    """A per-thread client; connections come from redis-py's pool."""
    client = getattr(_local, "client", None)
    if client is None:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5,
                                      socket_connect_timeout=2)
        _local.client = client
    return client


def publish(message: str) -> None:
    """Publish one serialised event. Losing it is survivable (readers fill gaps)."""
    try:
        redis_client().publish(settings.EVENTS_CHANNEL, message)
    except redis.RedisError as exc:
        log.warning("could not publish store event: %s", exc)


def publish_many(messages: list[str]) -> None:
    """Publish serialised events in order, in one pipelined round trip."""
    if len(messages) == 1:
        publish(messages[0])
        return
    try:
        pipe = redis_client().pipeline(transaction=False)
        for message in messages:
            pipe.publish(settings.EVENTS_CHANNEL, message)
        pipe.execute()
    except redis.RedisError as exc:
        log.warning("could not publish %d store events: %s", len(messages), exc)
