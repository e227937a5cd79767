"""The scheduler worker's loop, a batch at a time: pop up to a batch of pod keys, read
them in one query, bring the snapshot up to date once, run one cycle per pod against
it, Reserve each chosen node in the snapshot at once (so the next pod of the batch
already counts it, and no node is over-committed), then write every binding in one
transaction (scheduler/binder.py `bind_many`). A refused binding (the pod got a node
meanwhile, or was deleted) is un-reserved and requeued alone; the conditional binding
write still makes a second scheduler harmless."""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field

from cluster.errors import Conflict, NotFound
from cluster.objects import dumps, loads
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
MAX_BATCH = 50  # pods per batch (one read, one snapshot refresh, one binding transaction)
BATCH_SECONDS = 0.1  # ...or fewer, so a batch's cycles take about this long


def current_snapshot() -> Snapshot:
    snap = refresh(_state["snapshot"])  # type: ignore[arg-type]
    _state["snapshot"] = snap
    return snap


def reset() -> None:
    _state["snapshot"] = None
    _cache.clear()


@dataclass
class BatchReport:
    outcomes: dict[str, int] = field(default_factory=dict)
    bound: list[str] = field(default_factory=list)  # keys, in binding order
    cycle_seconds: float = 0.0

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def _read(keys: list[str]) -> dict[str, dict]:
    """The batch's pods in one query (reading rows is fine; writes go through the store)."""
    from cluster.models import Pod

    wanted = set(keys)
    names = {k.partition("/")[2] for k in keys}
    namespaces = {k.partition("/")[0] for k in keys}
    rows = Pod.objects.filter(namespace__in=namespaces, name__in=names) \
        .values_list("namespace", "name", "body")
    return {f"{ns}/{name}": loads(body) for ns, name, body in rows
            if f"{ns}/{name}" in wanted}


def schedule_batch(keys: list[str], *, explain: bool | None = None) -> BatchReport:
    """Schedule popped pods together; every key ends done, parked or requeued."""
    report = BatchReport()
    explain = cfg.EXPLAIN if explain is None else explain
    pods = _read(keys)
    snap = current_snapshot()
    settings = cfg.cluster_settings()
    bindings: list[binder.Binding] = []
    finished: list[str] = []  # gone or not ours: forgotten with the bound ones
    for key in dict.fromkeys(keys):  # a key twice in one batch is scheduled once
        pod = pods.get(key)
        if pod is None:
            finished.append(key)
            report.count("gone")
            continue
        spec, meta = pod.get("spec") or {}, pod.get("metadata") or {}
        profile = profiles.resolve(spec.get("schedulerName", ""), settings)
        if spec.get("nodeName") or meta.get("deletionTimestamp") or profile is None:
            finished.append(key)
            report.count("not-pending")
            continue
        if spec.get("priority") is None:
            spec["priority"] = priority_of(pod)
        info = PodInfo.from_object(pod)
        result = cycle.schedule(info, snap, profile,
                                cache=_cache if cfg.EQUIVALENCE_CACHE else None, rng=_rng,
                                explain=explain, percentage=cfg.PERCENTAGE_OF_NODES_TO_SCORE,
                                top=cfg.EXPLAIN_TOP_NODES)
        report.cycle_seconds += result.duration
        # The record as JSON text at once: kept as dicts until the batch commits, a
        # batch's records (thousands of small containers) outlived two young collections
        # and were promoted to the oldest generation, whose collections walk the whole
        # snapshot: that, more than building or writing them, was the annotation's cost.
        decision = dumps(result.decision) if result.decision else None
        if result.node:
            info.node_name = result.node
            snap.place(info)  # Reserve: the next pod of this batch already counts it
            bindings.append(binder.Binding(key, pod, result.node, decision))
        else:
            report.count(_not_placed(key, pod, result, decision))
    for refused in binder.bind_many(bindings, events=SCHEDULED_EVENTS) if bindings else []:
        snap.remove_pod(refused.key)  # Unreserve
        if isinstance(refused.error, (Conflict, NotFound)):
            report.count("conflict")
            queue.retry(refused.key, 0)  # a fresh look says bound elsewhere or gone
        else:
            log.warning("binding %s to %s failed: %s", refused.key, refused.node,
                        refused.error)
            report.count("error")
            queue.retry(refused.key, cfg.BACKOFF_INITIAL)
    report.bound = [b.key for b in bindings if b.error is None]
    for _ in report.bound:
        report.count("bound")
    queue.done_many(finished + report.bound)
    return report


def _not_placed(key: str, pod: dict, result: cycle.Result, decision: str | None) -> str:
    """No node fits: record why (and preempt if that helps); the pod waits."""
    preemption = result.preemption
    nominated = preemption.node if preemption is not None and preemption.found else ""
    binder.unschedulable(pod, result.message, decision, nominated)
    if nominated:
        binder.preempt(pod, preemption)
        queue.retry(key, cfg.BACKOFF_INITIAL)  # victims are leaving; look again soon
        return "preempting"
    queue.park(key)
    return "unschedulable"


def schedule_key(key: str, *, explain: bool | None = None) -> str:
    """Schedule one pod (a batch of one); returns what happened (bound, unschedulable, ...)."""
    outcomes = schedule_batch([key], explain=explain).outcomes
    return next(iter(outcomes), "gone")


def next_batch_size(report: BatchReport | None) -> int:
    """As many pods as fit in BATCH_SECONDS of cycles at the last batch's pace."""
    if report is None or not report.outcomes or report.cycle_seconds <= 0:
        return MAX_BATCH
    per_pod = report.cycle_seconds / sum(report.outcomes.values())
    return max(1, min(MAX_BATCH, int(BATCH_SECONDS / per_pod)))


def drain(seconds: float | None = None) -> dict[str, int]:
    """Schedule queued pods in batches until the queue is empty or time is up."""
    deadline = time.monotonic() + (cfg.DRAIN_SECONDS if seconds is None else seconds)
    outcomes: dict[str, int] = {}
    last: BatchReport | None = None
    while time.monotonic() < deadline:
        keys = queue.pop_many(next_batch_size(last))
        if not keys:
            break
        try:
            last = schedule_batch(keys)
        except Exception:
            log.exception("scheduling batch %s failed", keys)
            reset()  # the snapshot may hold reservations that were never written
            for key in keys:
                queue.retry(key, cfg.BACKOFF_MAX)
            last = BatchReport({"error": len(keys)})
        for outcome, n in last.outcomes.items():
            outcomes[outcome] = outcomes.get(outcome, 0) + n
    return outcomes
