"""The controller work queue on Celery and Redis, in the style of client-go's workqueue.

- `enqueue(controller, key)` queues a key once: a Redis marker (SET NX) stays until a
  worker starts on the key, so a burst of events for one object becomes one task.
- `run(controller, key)` (the Celery task's body) clears the marker first, so an event
  arriving during the reconcile queues the key again and nothing is missed; then takes a
  per-key Redis lock (one worker per key), calls the controller's `reconcile(key)`,
  maps errors (temporary → backoff, permanent → warning event, not found → done) and
  publishes one record of what it did for the dashboard (Deployments and ReplicaSets
  also keep their last few records in a short Redis list, for the reconcile view).
- While paused, keys are parked; `grant_step` lets exactly one parked key through.
- Reconciles are level-triggered: they re-read the store, so a task run twice, late, or
  after a SIGKILLed attempt converges to the same state. Keys, never objects, are queued.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

import redis
from django.conf import settings
from django.db import DatabaseError

from cluster.controllers import settings as cs
from cluster.controllers import switches
from cluster.errors import (
    AlreadyExists,
    ApiError,
    Conflict,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
)
from cluster.events import redis_client

log = logging.getLogger(__name__)

# controller name → module with `reconcile(key) -> Outcome | None`.
CONTROLLERS: dict[str, str] = {
    "replicaset": "cluster.controllers.replicaset",
    "deployment": "cluster.controllers.deployment",
    "endpoints": "cluster.controllers.endpoints",
    "podfanout": "cluster.controllers.podfanout",
    "gc": "cluster.controllers.gc",
    "namespace": "cluster.controllers.namespace",
    "nodelifecycle": "cluster.controllers.nodelifecycle",
    "resourcequota": "cluster.controllers.resourcequota",
}


class Temporary(Exception):  # noqa: N818  (kopf's name: retry later)
    """Retry the key later (with backoff, or after `delay` seconds)."""

    def __init__(self, message: str, delay: float | None = None) -> None:
        super().__init__(message)
        self.delay = delay


class Permanent(Exception):  # noqa: N818
    """Retrying will not help until the object changes: record it and stop."""


@dataclass
class Outcome:
    """What one reconcile saw and did, for the dashboard's control-loop view."""

    desired: object = None
    observed: object = None
    actions: list[str] = field(default_factory=list)
    requeue_after: float | None = None  # look again later even if nothing changes


RETRYABLE = (Conflict, AlreadyExists, ServiceUnavailable, TooManyRequests, Temporary,
             DatabaseError, redis.RedisError)


def _mark(controller: str, key: str) -> str:
    return f"kubelab:ctl:queued:{controller}:{key}"


def _lock(controller: str, key: str) -> str:
    return f"kubelab:ctl:lock:{controller}:{key}"


def _failures(controller: str, key: str) -> str:
    return f"kubelab:ctl:failures:{controller}:{key}"


PARKED = "kubelab:ctl:parked"  # keys that arrived while the controllers were paused
STEPS = "kubelab:ctl:steps"  # parked member → reconciles it may run while paused
# Controllers whose records the dashboard's reconcile view lists per object; the others
# (one key per pod, per node) would only cost a write per reconcile nobody reads.
RECORDED = ("deployment", "replicaset")
RECENT_MAX = 50
RECENT_SECONDS = 1800


def _member(controller: str, key: str) -> str:
    return json.dumps([controller, key])


def recent_key(controller: str, key: str) -> str:
    return f"kubelab:ctl:recent:{controller}:{key}"


def worker_name() -> str:
    return os.environ.get("KUBELAB_CONTROLLER_WORKER") or f"controllers@{socket.gethostname()}"


# --- queueing ----------------------------------------------------------------

# Celery's Redis transport keeps a list per priority step and a worker takes from the
# step-0 list first: periodic resync keys wait behind every key a change queued, so a
# resync of every object in a big cluster never delays the reaction to a change.
RESYNC_PRIORITY = 9
_LOW = b"low"


def enqueue(controller: str, key: str, delay: float = 0.0, *, low: bool = False) -> bool:
    """Queue `key` for `controller`. Immediate enqueues are de-duplicated while queued;
    delayed ones (backoff, timers) are not, as the key is usually not queued then.
    `low`: a resync's enqueue, behind every other; a change's enqueue of a key that only
    a resync queued queues it again, in front."""
    from cluster.controllers.tasks import reconcile as task

    if delay > 0:
        task.apply_async((controller, key), queue=cs.QUEUE, countdown=delay)
        return True
    pipe = redis_client().pipeline(transaction=False)
    _set_mark(pipe, controller, key, low)
    return _queue_marked(controller, key, pipe.execute()[0], low)


def _set_mark(pipe, controller: str, key: str, low: bool) -> None:
    """Add the marker command for `key` to `pipe`: SET NX for a resync's key, SET GET
    for a change's (its reply says whether, and how, the key is queued already)."""
    mark = _mark(controller, key)
    if low:
        pipe.set(mark, _LOW, nx=True, ex=cs.QUEUED_MARK_SECONDS)
    else:
        pipe.set(mark, "1", ex=cs.QUEUED_MARK_SECONDS, get=True)


def _queue_marked(controller: str, key: str, reply: object, low: bool) -> bool:
    """Send the task for `key` unless its marker's reply says it is queued already."""
    from cluster.controllers.tasks import reconcile as task

    if low:
        if not reply:
            return False
        task.apply_async((controller, key), queue=cs.QUEUE, priority=RESYNC_PRIORITY)
        return True
    if reply is not None and reply != _LOW:
        return False  # already queued in front
    task.apply_async((controller, key), queue=cs.QUEUE)
    return True


def enqueue_many(pairs: list[tuple[str, str]], *, low: bool = False) -> int:
    """`enqueue` for many keys, their markers set in one round trip."""
    unique = list(dict.fromkeys(pairs))
    if not unique:
        return 0
    pipe = redis_client().pipeline(transaction=False)
    for controller, key in unique:
        _set_mark(pipe, controller, key, low)
    replies = pipe.execute()
    return sum(1 for (controller, key), reply in zip(unique, replies, strict=True)
               if _queue_marked(controller, key, reply, low))


# --- the per-reconcile context (pacing and lock renewal) ----------------------

_current = threading.local()


def pace(action: str) -> None:
    """Called by controllers before each write: note the action, apply the classroom
    delay, and keep the key's lock alive through a long reconcile."""
    ctx = getattr(_current, "ctx", None)
    if ctx is not None:
        ctx["outcome"].actions.append(action)
    delay = switches.current().delay_seconds
    if delay > 0:
        time.sleep(delay)
    if ctx is not None and time.monotonic() - ctx["renewed"] > cs.LOCK_SECONDS / 3:
        redis_client().expire(ctx["lock"], cs.LOCK_SECONDS)
        ctx["renewed"] = time.monotonic()


_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def _reconciler(controller: str) -> Callable[[str], Outcome | None]:
    return import_module(CONTROLLERS[controller]).reconcile


# --- running one key ---------------------------------------------------------

def run(controller: str, key: str) -> str:
    """Reconcile one key. Returns what happened: done | busy | parked | retry | failed."""
    r = redis_client()
    stepped = False
    token = f"{worker_name()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    lock = _lock(controller, key)
    if switches.current().paused:
        r.delete(_mark(controller, key))
        stepped = bool(r.eval(_TAKE_STEP, 1, STEPS, _member(controller, key)))
        if not stepped:
            r.sadd(PARKED, _member(controller, key))
            return "parked"
        got_lock = r.set(lock, token, nx=True, ex=cs.LOCK_SECONDS)
    else:
        # Clearing the marker and taking the lock in one round trip: a reconcile is a
        # few milliseconds, so each Redis round trip around it is a visible share.
        _, got_lock = (r.pipeline(transaction=False).delete(_mark(controller, key))
                       .set(lock, token, nx=True, ex=cs.LOCK_SECONDS).execute())
    if not got_lock:
        # Another worker has the key; it will see our change too only if it read the
        # store after it, so look again shortly rather than dropping the key.
        if stepped:  # the step is for a reconcile that runs: hand it to the retry
            r.hincrby(STEPS, _member(controller, key), 1)
        enqueue(controller, key, delay=0.2)
        return "busy"
    started = time.monotonic()
    outcome = Outcome()
    _current.ctx = {"outcome": outcome, "lock": lock, "renewed": started}
    result = "done"
    finished = False  # the key's failure count is cleared with the lock's release
    try:
        got = _reconciler(controller)(key)
        if got is not None:
            got.actions = outcome.actions + got.actions
            outcome = got
        finished = True
        if outcome.requeue_after is not None:
            enqueue(controller, key, delay=outcome.requeue_after)
    except NotFound:
        finished = True  # the object is gone: nothing left to do
    except RETRYABLE as exc:
        result = "retry"
        _backoff(controller, key, exc)
    except (Permanent, ApiError) as exc:
        result = "failed"
        finished = True
        _report_permanent(controller, key, exc)
    except Exception as exc:  # a bug: log it, and retry slowly rather than hot-looping
        result = "retry"
        log.exception("%s %s failed", controller, key)
        _backoff(controller, key, exc)
    finally:
        _current.ctx = None
        _release(controller, key, lock, token, finished,
                 _record(controller, key, outcome, result, time.monotonic() - started,
                         stepped))
    return result


def _release(controller: str, key: str, lock: str, token: str, finished: bool,
             record: str) -> None:
    """Release the key's lock, clear its failure count when it finished, and publish
    its record: one round trip. The record is best effort; the release is not, so a
    Redis error propagates (the lock then expires after LOCK_SECONDS)."""
    pipe = redis_client().pipeline(transaction=False)
    if finished:
        pipe.delete(_failures(controller, key))
    pipe.eval(_RELEASE, 1, lock, token)
    pipe.publish(reconcile_channel(), record)
    if controller in RECORDED:
        name = recent_key(controller, key)
        pipe.lpush(name, record)
        pipe.ltrim(name, 0, RECENT_MAX - 1)
        pipe.expire(name, RECENT_SECONDS)
    pipe.execute()


def _backoff(controller: str, key: str, exc: Exception) -> None:
    r = redis_client()
    name = _failures(controller, key)
    failures = int(r.incr(name))
    r.expire(name, int(cs.BACKOFF_MAX_SECONDS * 4))
    delay = getattr(exc, "delay", None)
    if delay is None:
        delay = min(cs.BACKOFF_BASE_SECONDS * 2 ** (failures - 1), cs.BACKOFF_MAX_SECONDS)
    log.info("%s %s: %s; retry %d in %.2fs", controller, key, exc, failures, delay)
    enqueue(controller, key, delay=delay)


def _report_permanent(controller: str, key: str, exc: Exception) -> None:
    from cluster.controllers.keys import load_for_key
    from cluster.recorder import record

    log.warning("%s %s: %s", controller, key, exc)
    obj = load_for_key(controller, key)
    if obj is not None:
        record(obj, "ReconcileFailed", str(exc)[:500], event_type="Warning",
               component=f"{controller}-controller")


def _record(controller: str, key: str, outcome: Outcome, result: str,
            seconds: float, stepped: bool = False) -> str:
    """One reconcile's record for the dashboard's control-loop view, serialised."""
    record = {"controller": controller, "key": key, "desired": outcome.desired,
              "observed": outcome.observed, "actions": outcome.actions[:20],
              "actionCount": len(outcome.actions), "result": result,
              "durationMs": round(seconds * 1000, 2), "time": time.time()}
    if stepped:
        record["stepped"] = True
    return json.dumps(record, default=str)


def reconcile_channel() -> str:
    events = settings.EVENTS_CHANNEL
    return cs.RECONCILE_CHANNEL if events == "kubelab:events" else f"{events}:reconciles"


# --- pause, single step and worker start ---------------------------------------

# Take one step grant for this member, atomically: two workers never share one step.
_TAKE_STEP = """
local n = tonumber(redis.call('hget', KEYS[1], ARGV[1]) or '0')
if n <= 0 then return 0 end
if n == 1 then redis.call('hdel', KEYS[1], ARGV[1])
else redis.call('hincrby', KEYS[1], ARGV[1], -1) end
return 1
"""

# Unpark one member (the given one, or any when ARGV[1] is empty) and grant it one step.
# Only a parked key is granted, so a grant never waits for a key that may never come.
_GRANT_STEP = """
local member = ARGV[1]
if member == '' then
  member = redis.call('spop', KEYS[1])
  if not member then return false end
elseif redis.call('srem', KEYS[1], member) == 0 then
  return false
end
redis.call('hincrby', KEYS[2], member, 1)
return member
"""


def grant_step(candidates: list[tuple[str, str]] | None = None) -> tuple[str, str] | None:
    """While paused: let exactly one parked reconcile run — the first parked one of
    `candidates`, or any parked key when None. Returns (controller, key) or None."""
    r = redis_client()
    members = [_member(c, k) for c, k in candidates] if candidates is not None else [""]
    for member in members:
        got = r.eval(_GRANT_STEP, 2, PARKED, STEPS, member)
        if got:
            controller, key = json.loads(got)
            enqueue(controller, key)  # already queued: that task takes the grant
            return controller, key
    return None


def parked() -> list[tuple[str, str]]:
    """The keys waiting for the controllers to be resumed (or stepped)."""
    return [tuple(json.loads(m)) for m in redis_client().smembers(PARKED)]


def unpark() -> int:
    """Re-queue the keys parked while paused, once the pause switch is off."""
    if switches.current().paused:
        return 0
    r = redis_client()
    r.delete(STEPS)  # running freely: a grant left over must not matter at the next pause
    count = 0
    while True:
        raw = r.spop(PARKED)
        if raw is None:
            return count
        controller, key = json.loads(raw)
        count += enqueue(controller, key)


def forget_dead_worker() -> None:
    """At worker start: locks and queued markers left by this worker's previous life
    (SIGKILL) would hold their keys until they expire; a worker with our name is dead."""
    r = redis_client()
    mine = worker_name().encode()
    for name in r.scan_iter("kubelab:ctl:lock:*", count=500):
        value = r.get(name)
        if value is not None and value.split(b":")[0] == mine.split(b":")[0]:
            r.delete(name)
    for name in r.scan_iter("kubelab:ctl:queued:*", count=500):
        r.delete(name)  # its task may be the lost one; resync queues every key again
