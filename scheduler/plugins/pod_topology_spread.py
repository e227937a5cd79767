"""PodTopologySpread: keep matching pods spread over a topology key within maxSkew.
DoNotSchedule constraints filter, ScheduleAnyway constraints score (fewer matching pods
in the node's domain is better). Domains are counted over nodes that pass the pod's
node affinity (nodeAffinityPolicy Honor). Not done: minDomains, matchLabelKeys,
the cluster-level default constraints."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cluster.selectors import LabelSelector, SelectorError, label_selector_from_dict
from scheduler.framework import (
    MAX_SCORE,
    SUCCESS,
    CycleState,
    NodeInfo,
    PodInfo,
    Status,
    unresolvable,
    unschedulable,
)
from scheduler.plugins.node_affinity import required_matches

MISSING = "node(s) didn't match pod topology spread constraints (missing required label)"
SKEW = "node(s) didn't match pod topology spread constraints"


@dataclass
class Constraint:
    key: str
    max_skew: int
    hard: bool
    selector: LabelSelector | None
    counts: Counter
    self_match: int

    @property
    def minimum(self) -> int:
        return min(self.counts.values(), default=0)


def constraints(pod: PodInfo, snapshot) -> list[Constraint]:
    found = []
    for raw in pod.spec.get("topologySpreadConstraints") or []:
        if not isinstance(raw, dict) or not raw.get("topologyKey"):
            continue
        try:
            selector = label_selector_from_dict(raw["labelSelector"]) \
                if raw.get("labelSelector") is not None else None
        except SelectorError:
            selector = None
        c = Constraint(raw["topologyKey"], int(raw.get("maxSkew") or 1),
                       raw.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule",
                       selector, Counter(),
                       int(selector is not None and selector.matches(pod.labels)))
        for node in snapshot.nodes.values():
            if c.key not in node.labels or not required_matches(pod, node):
                continue
            value = node.labels[c.key]
            c.counts[value] += 0  # every eligible domain counts, empty ones too
            if selector is not None:
                c.counts[value] += sum(1 for p in node.pods.values()
                                       if p.namespace == pod.namespace and not p.deleting
                                       and p.key != pod.key and selector.matches(p.labels))
        found.append(c)
    return found


class PodTopologySpread:
    name = "PodTopologySpread"

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot) -> Status:
        state[self.name] = constraints(pod, snapshot) \
            if pod.spec.get("topologySpreadConstraints") else []
        return SUCCESS

    def node_local(self, state: CycleState, pod: PodInfo, snapshot) -> bool:
        return not state[self.name]

    def filters_nothing(self, state: CycleState, pod: PodInfo) -> bool:
        """No hard constraint: every node passes, so the cycle skips this filter."""
        return not any(c.hard for c in state[self.name])

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        for c in state[self.name]:
            if not c.hard:
                continue
            if c.key not in node.labels:
                return unresolvable(MISSING)
            skew = c.counts.get(node.labels[c.key], 0) + c.self_match - c.minimum
            if skew > c.max_skew:
                return unschedulable(SKEW)
        return SUCCESS

    def scores_nothing(self, state: CycleState, pod: PodInfo) -> bool:
        """No soft constraints: the raw score is 0 on every node (the cycle skips us)."""
        return not any(not c.hard for c in state[self.name])

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return sum(c.counts.get(node.labels.get(c.key, ""), 0)
                   for c in state[self.name] if not c.hard)

    def normalize(self, state: CycleState, pod: PodInfo, scores: dict[str, int]) -> None:
        if not scores:
            return
        low, high = min(scores.values()), max(scores.values())
        for node, value in scores.items():
            scores[node] = MAX_SCORE * (high - value) // (high - low) if high > low \
                else MAX_SCORE
