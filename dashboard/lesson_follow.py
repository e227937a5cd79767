"""Follow-me: the teacher's current lesson and step, kept in Redis for every student to poll.

One small JSON value per cluster (Redis DBs are per cluster, so test clusters do not see
each other's). Students' pages ask for it once a second; a poll is one Redis GET, cheap
enough for a class of thirty. Only an admin may move the class.
"""
from __future__ import annotations

import json
import time

import redis
from django.conf import settings

from cluster import auth
from cluster.errors import BadRequest, Forbidden

KEY = "kubelab:lessons:follow"
TTL_SECONDS = 12 * 3600  # a forgotten lecture does not steer tomorrow's class

_client: dict[str, redis.Redis] = {}


def _redis() -> redis.Redis:
    url = settings.REDIS_URL
    if url not in _client:
        _client[url] = redis.Redis.from_url(url, socket_timeout=2)
    return _client[url]


def current() -> dict:
    """{"lesson": id, "step": n, "teacher": name, "at": unix time}, or {} when nobody leads."""
    raw = _redis().get(KEY)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def lead(principal: auth.Principal, lesson_id: str, step: int) -> dict:
    if not principal.is_admin:
        raise Forbidden("only the teacher (an admin) moves the class")
    if not isinstance(step, int) or step < 0:
        raise BadRequest("step must be a whole number")
    value = {"lesson": lesson_id, "step": step, "teacher": principal.name, "at": time.time()}
    _redis().set(KEY, json.dumps(value), ex=TTL_SECONDS)
    return value


def stop(principal: auth.Principal) -> dict:
    if not principal.is_admin:
        raise Forbidden("only the teacher (an admin) moves the class")
    _redis().delete(KEY)
    return {}
