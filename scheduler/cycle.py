"""One scheduling cycle for one pod, as a pure function of pod + snapshot + profile:
PreFilter -> Filter (nodes in a random rotation until enough are feasible) ->
PostFilter (preemption) when none is -> PreScore -> Score -> NormalizeScore -> pick.
Reserve and Bind (the writes) are the worker's (scheduler/worker.py), so a dry run
(scheduler/dryrun.py) is this same function without them.

Speed-ups from the Borg paper (§3.4), each visible in the explanation:
- relaxed randomisation: examine nodes from a random offset and stop once enough
  feasible ones are found (kube-scheduler's percentageOfNodesToScore);
- equivalence classes + score caching: pods with the same scheduling-relevant spec
  share verdicts and raw scores per node, reused while the node's generation stands.
"""
from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field

from scheduler.equivalence import EquivalenceCache, class_key
from scheduler.framework import (
    SUCCESS,
    CycleState,
    NodeInfo,
    PodInfo,
    Status,
    node_local,
)
from scheduler.plugins.default_preemption import Preemption
from scheduler.profiles import Profile

MIN_FEASIBLE_TO_FIND = 100


@dataclass
class Result:
    pod: PodInfo
    profile: str
    node: str | None
    message: str = ""  # why not, in kube-scheduler's words
    preemption: Preemption | None = None
    decision: dict = field(default_factory=dict)
    duration: float = 0.0


def feasible_to_find(total: int, percentage: int | None) -> int:
    """How many feasible nodes are enough (kube-scheduler's numFeasibleNodesToFind)."""
    if total < MIN_FEASIBLE_TO_FIND or percentage == 100:
        return total
    if not percentage:
        percentage = max(5, 50 - total // 125)
    return min(total, max(MIN_FEASIBLE_TO_FIND, total * percentage // 100))


def fit_error(total: int, verdicts: dict[str, Status]) -> str:
    """`0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint
    {dedicated: gpu}.` A node failing for two reasons counts under both."""
    counts = Counter(reason for status in verdicts.values() for reason in status.reasons)
    parts = sorted(f"{n} {reason}" for reason, n in counts.items())
    head = f"0/{total} nodes are available"
    return f"{head}: {', '.join(parts)}." if parts else f"{head}."


def run_filters(profile: Profile, state: CycleState, pod: PodInfo, node: NodeInfo,
                filters: list | None = None) -> Status:
    for plugin in profile.filters if filters is None else filters:
        status = plugin.filter(state, pod, node)
        # `is SUCCESS` first: nearly every verdict is that one object, and this loop is hot.
        if status is not SUCCESS and not status.ok:
            return status.by(plugin.name)
    return SUCCESS


def schedule(pod: PodInfo, snapshot, profile: Profile, *,
             cache: EquivalenceCache | None = None, rng: random.Random | None = None,
             explain: bool = True, percentage: int | None = None,
             top: int = 20) -> Result:
    started = time.perf_counter()
    rng = rng or random
    state = CycleState()
    names: list[str] = snapshot.node_names
    total = len(names)
    for plugin in profile.pre_filters:
        status = plugin.pre_filter(state, pod, snapshot)
        if not status.ok:
            verdicts = {n: status.by(plugin.name) for n in names}
            return _finish(Result(pod, profile.name, None, fit_error(total, verdicts)),
                           started, explain, verdicts, [], {}, {}, {}, top,
                           {"total": total, "examined": 0})
    # A filter that says every node passes for this pod (kube-scheduler's PreFilter Skip)
    # is not asked, node after node.
    active = [p for p in profile.filters
              if not (hasattr(p, "filters_nothing") and p.filters_nothing(state, pod))]
    cacheable = cache is not None and all(
        node_local(p, state, pod, snapshot) for p in profile.plugins)
    key = class_key(pod, profile.name) if cacheable else ""
    entries = cache.entries(key) if cacheable else {}

    # Filter: every node, or on a big cluster from a random offset until enough fit.
    wanted = feasible_to_find(total, percentage or profile.percentage_of_nodes_to_score)
    start = rng.randrange(total) if total and wanted < total else 0
    feasible: list[str] = []
    verdicts: dict[str, Status] = {}
    examined = hits = 0
    nodes = snapshot.nodes
    # The hottest loop of a cycle (~400 nodes per pod at 1,000 nodes, nearly all cache
    # hits): bound methods in locals, and the "enough found?" test only after a find.
    entry_of, keep = entries.get, feasible.append
    if wanted > 0:
        for name in names[start:] + names[:start]:
            node = nodes[name]
            examined += 1
            entry = entry_of(name)
            if entry is not None and entry[0] == node.generation:
                status = entry[1]
                hits += 1
            else:
                status = run_filters(profile, state, pod, node, active)
                if cacheable:
                    entries[name] = [node.generation, status, None]
            if status is SUCCESS or status.ok:
                keep(name)
                if len(feasible) >= wanted:
                    break
            else:
                verdicts[name] = status
    how = {"total": total, "examined": examined, "feasible": len(feasible),
           "wanted": wanted, "startOffset": start,
           "equivalenceClass": key[:12] if cacheable else None, "cacheHits": hits}

    if not feasible:
        result = Result(pod, profile.name, None, fit_error(total, verdicts))
        for plugin in profile.post_filters:
            found = plugin.post_filter(state, pod, snapshot, verdicts,
                                       lambda p, n: run_filters(profile, state, p, n, active))
            result.preemption = found
            if found.found:
                break
        return _finish(result, started, explain, verdicts, [], {}, {}, {}, top, how)

    # Score: raw per plugin (cached per node with the verdict), then normalise, weigh.
    for plugin in profile.plugins:
        if hasattr(plugin, "pre_score"):
            plugin.pre_score(state, pod, snapshot)
    # A plugin that says it scores nothing for this pod (kube-scheduler's PreScore Skip)
    # gets 0 on every node without being asked: exactly what it would have returned.
    scorers = [p for p, _ in profile.scorers
               if not (hasattr(p, "scores_nothing") and p.scores_nothing(state, pod))]
    rows: list[tuple[int, ...]] = []
    for name in feasible:
        entry = entries.get(name) if cacheable else None
        values = entry[2] if entry is not None else None
        if values is None:
            node = snapshot.nodes[name]
            values = tuple([p.score(state, pod, node) for p in scorers])
            if entry is not None:
                entry[2] = values
        rows.append(values)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in scorers]
    # Scores stay columns (lists aligned with `feasible`) until the end: the explanation
    # reads only its top nodes, through _Column, so no per-plugin dicts are built.
    index = {n: i for i, n in enumerate(feasible)}
    raw: dict[str, dict[str, int]] = {}
    normalized: dict[str, dict[str, int]] = {}
    weights = {}
    sums = [0] * len(feasible)
    for plugin, weight in profile.scorers:
        weights[plugin.name] = weight
        if plugin in scorers:
            column = columns[scorers.index(plugin)]
            raw[plugin.name] = _Column(index, column)
            if plugin.name in profile.normalizing:
                scores = dict(zip(feasible, column, strict=True))
                plugin.normalize(state, pod, scores)
                column = list(scores.values())  # normalising changes values, not order
            normalized[plugin.name] = _Column(index, column)
            if weight:
                sums = [t + weight * v for t, v in zip(sums, column, strict=True)]
            continue
        # Skipped: 0 everywhere, so normalising gives one value for every node; work it
        # out on one node and spread it, rather than building dicts of zeros.
        raw[plugin.name] = {}  # the explanation reads a missing node as 0
        one = {feasible[0]: 0}
        if plugin.name in profile.normalizing:
            plugin.normalize(state, pod, one)
        normalized[plugin.name] = _Same(one[feasible[0]])
        if one[feasible[0]] and weight:
            sums = [t + weight * one[feasible[0]] for t in sums]
    totals = dict(zip(feasible, sums, strict=True))
    # Ties go to the smallest node name: deterministic, so tests and lessons repeat.
    high = max(sums)
    best = min(n for n, t in zip(feasible, sums, strict=True) if t == high)
    result = Result(pod, profile.name, best)
    return _finish(result, started, explain, verdicts, feasible, totals, raw, normalized,
                   top, how, weights)


class _Column(dict):
    """One plugin's scores as a column aligned with the feasible nodes, read like the
    dict the explanation expects (`get(node, default)`)."""

    def __init__(self, index: dict[str, int], values) -> None:
        super().__init__()
        self.index = index
        self.values_ = values

    def get(self, key: str, default: int | None = None) -> int | None:
        i = self.index.get(key)
        return default if i is None else self.values_[i]

    def pick(self, keys: list[str]) -> list[int]:
        index, values = self.index, self.values_
        return [values[index[k]] if k in index else 0 for k in keys]


class _Same(dict):
    """A skipped plugin's normalised scores: the same value for every node."""

    def __init__(self, value: int) -> None:
        super().__init__()
        self.value = value

    def get(self, key: str, default: int | None = None) -> int:
        return self.value

    def pick(self, keys: list[str]) -> list[int]:
        return [self.value] * len(keys)


def _finish(result: Result, started: float, explain: bool, verdicts: dict[str, Status],
            feasible: list[str], totals: dict[str, int], raw: dict, normalized: dict,
            top: int, how: dict, weights: dict | None = None) -> Result:
    result.duration = time.perf_counter() - started
    if explain:
        from scheduler.explain import decision
        result.decision = decision(result, verdicts, feasible, totals, raw, normalized,
                                   weights or {}, how, top)
    return result
