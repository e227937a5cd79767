"""The scheduler worker's loop: pop a pod key, re-read the pod, run one cycle against
the (incrementally refreshed) snapshot, then Reserve (assume it on the node) and Bind,
or record why not. One pod at a time per worker; the conditional binding write makes
a second scheduler harmless (it gets a Conflict and forgets the pod)."""
from __future__ import annotations

import logging
import random
import time

from cluster import store
from cluster.errors import ApiError, Conflict, NotFound
from scheduler import binder, cycle, profiles, queue
from scheduler import settings as cfg
from scheduler.equivalence import EquivalenceCache
from scheduler.framework import PodInfo
from scheduler.priorities import priority_of
from scheduler.snapshot import Snapshot, refresh

log = logging.getLogger(__name__)
_state: dict[str, object] = {"snapshot": None}
_cache = EquivalenceCache()
_rng = random.Random()
SCHEDULED_EVENTS = True


def current_snapshot() -> Snapshot:
    snap = refresh(_state["snapshot"])  # type: ignore[arg-type]
    _state["snapshot"] = snap
    return snap


def reset() -> None:
    _state["snapshot"] = None
    _cache.clear()


def schedule_key(key: str, *, explain: bool | None = None) -> str:
    """Schedule one queued pod; returns what happened (bound, unschedulable, ...)."""
    namespace, _, name = key.partition("/")
    try:
        pod = store.get("Pod", namespace, name)
    except NotFound:
        queue.done(key)
        return "gone"
    spec, meta = pod.get("spec") or {}, pod.get("metadata") or {}
    profile = profiles.resolve(spec.get("schedulerName", ""), cfg.cluster_settings())
    if spec.get("nodeName") or meta.get("deletionTimestamp") or profile is None:
        queue.done(key)
        return "not-pending"
    if spec.get("priority") is None:
        spec["priority"] = priority_of(pod)
    explain = cfg.EXPLAIN if explain is None else explain
    snap = current_snapshot()
    info = PodInfo.from_object(pod)
    result = cycle.schedule(info, snap, profile,
                            cache=_cache if cfg.EQUIVALENCE_CACHE else None, rng=_rng,
                            explain=explain, percentage=cfg.PERCENTAGE_OF_NODES_TO_SCORE,
                            top=cfg.EXPLAIN_TOP_NODES)
    if result.node:
        info.node_name = result.node
        snap.place(info)  # Reserve: the next cycle already counts it
        try:
            binder.bind(namespace, name, meta.get("uid", ""), result.node,
                        result.decision or None)
        except (Conflict, NotFound):
            snap.remove_pod(key)
            queue.done(key)
            return "conflict"
        except ApiError as exc:
            snap.remove_pod(key)
            log.warning("binding %s to %s failed: %s", key, result.node, exc)
            queue.retry(key, cfg.BACKOFF_INITIAL)
            return "error"
        queue.done(key)
        if SCHEDULED_EVENTS:
            binder.scheduled_event(pod, result.node)
        return "bound"
    preemption = result.preemption
    nominated = preemption.node if preemption is not None and preemption.found else ""
    binder.unschedulable(pod, result.message, result.decision or None, nominated)
    if nominated:
        binder.preempt(pod, preemption)
        queue.retry(key, cfg.BACKOFF_INITIAL)  # victims are leaving; look again soon
        return "preempting"
    queue.park(key)
    return "unschedulable"


def drain(seconds: float | None = None) -> dict[str, int]:
    """Schedule queued pods one at a time until the queue is empty or time is up."""
    deadline = time.monotonic() + (cfg.DRAIN_SECONDS if seconds is None else seconds)
    outcomes: dict[str, int] = {}
    while time.monotonic() < deadline:
        key = queue.pop()
        if key is None:
            break
        try:
            outcome = schedule_key(key)
        except Exception:
            log.exception("scheduling %s failed", key)
            queue.retry(key, cfg.BACKOFF_MAX)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
