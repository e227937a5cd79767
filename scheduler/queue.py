"""The scheduling queue, in Redis so the API processes (routes) and the scheduler
worker share it. Like kube-scheduler's: an active queue ordered by priority then age,
a backoff queue (exponential, per pod), and unschedulable pods parked until the
cluster changes (or a periodic flush). Each step is one Lua script, so it is atomic.

Keys (prefix kubelab:scheduler:): `active` zset (score -priority; members
"priority|created_ms|ns/name" so equal scores sort by age), `backoff` zset (score:
when ready), `parked` zset (score: when parked), `inflight` zset (score: when popped),
`members` hash (pod key -> member: a pod is queued at most once), `attempts` hash.
"""
from __future__ import annotations

import time
from functools import cache

import redis
from django.conf import settings

from scheduler import settings as sched_settings

PREFIX = "kubelab:scheduler:"
KEYS = [PREFIX + k for k in ("active", "backoff", "parked", "inflight", "members",
                             "attempts")]

_LIB = """
local active, backoff, parked, inflight, members, attempts =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local function prio(m) return tonumber(string.match(m, "^(-?%d+)|")) end
local function key_of(m) return string.match(m, "^[^|]*|[^|]*|(.*)$") end
local function backoff_of(key, initial, cap)
  local n = tonumber(redis.call('HGET', attempts, key) or '1')
  return math.min(initial * 2 ^ math.max(n - 1, 0), cap)
end
local function drop(m)
  redis.call('ZREM', active, m); redis.call('ZREM', backoff, m)
  redis.call('ZREM', parked, m); redis.call('ZREM', inflight, m)
end
"""

_ADD = _LIB + """
local key, m = ARGV[1], ARGV[2]
local old = redis.call('HGET', members, key)
if old then
  -- queued already; resync may revive one whose worker died mid-cycle
  local since = redis.call('ZSCORE', inflight, old)
  if ARGV[3] == '1' and since and tonumber(since) < tonumber(ARGV[4]) then
    redis.call('ZREM', inflight, old); redis.call('ZADD', active, -prio(old), old)
    return 1
  end
  return 0
end
redis.call('HSET', members, key, m)
redis.call('ZADD', active, -prio(m), m)
return 1
"""

_POP = _LIB + """
local now = tonumber(ARGV[1])
for _, m in ipairs(redis.call('ZRANGEBYSCORE', backoff, '-inf', now)) do
  redis.call('ZREM', backoff, m); redis.call('ZADD', active, -prio(m), m)
end
local first = redis.call('ZRANGE', active, 0, 0)
if #first == 0 then return false end
redis.call('ZREM', active, first[1]); redis.call('ZADD', inflight, now, first[1])
return key_of(first[1])
"""

# Up to ARGV[2] ready pods at once (a scheduling batch), all marked in flight.
_POP_MANY = _LIB + """
local now = tonumber(ARGV[1])
for _, m in ipairs(redis.call('ZRANGEBYSCORE', backoff, '-inf', now)) do
  redis.call('ZREM', backoff, m); redis.call('ZADD', active, -prio(m), m)
end
local out = {}
for _, m in ipairs(redis.call('ZRANGE', active, 0, tonumber(ARGV[2]) - 1)) do
  redis.call('ZREM', active, m); redis.call('ZADD', inflight, now, m)
  out[#out + 1] = key_of(m)
end
return out
"""

_DONE = _LIB + """
local m = redis.call('HGET', members, ARGV[1])
if m then drop(m) end
redis.call('HDEL', members, ARGV[1]); redis.call('HDEL', attempts, ARGV[1])
return m and 1 or 0
"""

_PARK = _LIB + """
local m = redis.call('HGET', members, ARGV[1])
if not m then return 0 end
redis.call('HINCRBY', attempts, ARGV[1], 1)
drop(m); redis.call('ZADD', parked, ARGV[2], m)
return 1
"""

_RETRY = _LIB + """
local m = redis.call('HGET', members, ARGV[1])
if not m then return 0 end
drop(m); redis.call('ZADD', backoff, ARGV[2], m)
return 1
"""

# Parked pods (parked before ARGV[2]) go to backoff, ready after their own backoff.
_UNPARK = _LIB + """
local items = redis.call('ZRANGEBYSCORE', parked, '-inf', ARGV[2], 'WITHSCORES')
for i = 1, #items, 2 do
  local m, at = items[i], tonumber(items[i + 1])
  local ready = at + backoff_of(key_of(m), tonumber(ARGV[3]), tonumber(ARGV[4]))
  redis.call('ZREM', parked, m); redis.call('ZADD', backoff, ready, m)
end
return #items / 2
"""


@cache
def client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


@cache
def _script(source: str):
    return client().register_script(source)


def _run(source: str, *args) -> object:
    return _script(source)(keys=KEYS, args=list(args))


def member(key: str, priority: int, created_ms: int) -> str:
    return f"{int(priority)}|{int(created_ms):014d}|{key}"


def add(key: str, priority: int, created_ms: int, *, revive_before: float = 0) -> bool:
    """Queue a pending pod unless it is queued already. With `revive_before`, a pod
    popped before that time whose cycle never finished is queued again (resync)."""
    return bool(_run(_ADD, key, member(key, priority, created_ms),
                     "1" if revive_before else "0", revive_before))


def add_many(pods: list[tuple[str, int, int]]) -> int:
    """`add` for (key, priority, created_ms) of many new pods in one pipelined round
    trip (a ReplicaSet's batch of creates); returns how many were newly queued."""
    if not pods:
        return 0
    pipe = client().pipeline(transaction=False)
    script = _script(_ADD)
    for key, priority, created_ms in pods:
        script(keys=KEYS, args=[key, member(key, priority, created_ms), "0", 0], client=pipe)
    return sum(1 for added in pipe.execute() if added)


def pop(now: float | None = None) -> str | None:
    """The most important, oldest ready pod's key, marked in flight; None if none."""
    found = _run(_POP, now or time.time())
    return found.decode() if isinstance(found, bytes) else found


def pop_many(limit: int, now: float | None = None) -> list[str]:
    """Up to `limit` ready pods' keys in queue order, all marked in flight (one round trip)."""
    found = _run(_POP_MANY, now or time.time(), max(1, int(limit))) or []
    return [k.decode() if isinstance(k, bytes) else k for k in found]  # type: ignore[union-attr]


def done(key: str) -> None:
    """Forget a pod: bound, gone, or not ours."""
    _run(_DONE, key)


def done_many(keys: list[str]) -> None:
    """`done` for a whole batch in one pipelined round trip."""
    if not keys:
        return
    pipe = client().pipeline(transaction=False)
    script = _script(_DONE)
    for key in keys:
        script(keys=KEYS, args=[key], client=pipe)
    pipe.execute()


def park(key: str, now: float | None = None) -> None:
    """Unschedulable: wait for a cluster change (or the periodic flush), then backoff."""
    _run(_PARK, key, now or time.time())


def retry(key: str, delay: float) -> None:
    """Try again after `delay` seconds (after preemption, or an error)."""
    _run(_RETRY, key, time.time() + delay)


def unpark(parked_before: float | None = None) -> int:
    """A cluster change: parked pods move to backoff. Returns how many moved."""
    return int(_run(_UNPARK, "", parked_before or time.time() + 1,
                    sched_settings.BACKOFF_INITIAL, sched_settings.BACKOFF_MAX) or 0)


def sizes() -> dict[str, int]:
    c = client()
    return {k.removeprefix(PREFIX): int(c.zcard(k)) for k in KEYS[:4]}


def next_ready_in() -> float | None:
    """Seconds until the first backoff entry is ready (None: backoff empty)."""
    first = client().zrange(KEYS[1], 0, 0, withscores=True)
    return max(0.0, first[0][1] - time.time()) if first else None


def clear() -> None:
    client().delete(*KEYS)
