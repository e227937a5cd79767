"""InterPodAffinity: required pod affinity and anti-affinity (the incoming pod's terms,
and existing pods' anti-affinity towards it) filter; preferred terms score.

Terms on `kubernetes.io/hostname` are answered from the node's own pods; terms on any
other key (a zone) from per-domain counts built once per cycle in PreFilter.
Not done: existing pods' preferred terms towards the incoming pod do not score.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scheduler.framework import (
    HOSTNAME,
    MAX_SCORE,
    SUCCESS,
    CycleState,
    NodeInfo,
    PodInfo,
    Status,
    unresolvable,
    unschedulable,
)
from scheduler.plugins.pod_terms import Term, preferred_terms, required_terms

AFFINITY = "node(s) didn't match pod affinity rules"
ANTI = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI = "node(s) didn't satisfy existing pods anti-affinity rules"


@dataclass
class _State:
    affinity: list[Term]
    anti: list[Term]
    preferred: list[tuple[Term, int]]  # (term, +weight for affinity / -weight for anti)
    forbidden: set[tuple[str, str]] = field(default_factory=set)  # existing pods' anti
    counts: dict[int, Counter] = field(default_factory=dict)  # id(term) -> domain counts
    first_of_group: bool = False  # required affinity no pod matches yet, but self does


def _count(term: Term, pod: PodInfo, node: NodeInfo, counts: dict[int, Counter]) -> int:
    if term.key == HOSTNAME:
        return sum(1 for p in node.pods.values() if p.key != pod.key and term.selects(p))
    value = node.labels.get(term.key)
    return 0 if value is None else counts.get(id(term), Counter()).get(value, 0)


class InterPodAffinity:
    name = "InterPodAffinity"

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot) -> Status:
        st = _State(required_terms(pod, "podAffinity"), required_terms(pod, "podAntiAffinity"),
                    [(t, t.weight) for t in preferred_terms(pod, "podAffinity")]
                    + [(t, -t.weight) for t in preferred_terms(pod, "podAntiAffinity")])
        for other in snapshot.anti_pods.values():
            node = snapshot.nodes.get(other.node_name)
            if node is None or other.key == pod.key:
                continue
            for term in required_terms(other, "podAntiAffinity"):
                if term.selects(pod) and term.key in node.labels:
                    st.forbidden.add((term.key, node.labels[term.key]))
        wide = [t for t in st.affinity + st.anti + [t for t, _ in st.preferred]
                if t.key != HOSTNAME]
        if wide or st.affinity:
            anywhere = Counter()
            for node in snapshot.nodes.values():
                for other in node.pods.values():
                    if other.key == pod.key:
                        continue
                    for term in wide:
                        if term.selects(other) and term.key in node.labels:
                            st.counts.setdefault(id(term), Counter())[node.labels[term.key]] += 1
                    for term in st.affinity:
                        anywhere[id(term)] += term.selects(other)
            st.first_of_group = bool(st.affinity) and not any(anywhere.values()) \
                and all(t.selects(pod) for t in st.affinity)
        state[self.name] = st
        return SUCCESS

    def node_local(self, state: CycleState, pod: PodInfo, snapshot) -> bool:
        st: _State = state[self.name]
        return not st.affinity and not snapshot.zone_anti and all(
            t.key == HOSTNAME for t in st.anti + [t for t, _ in st.preferred])

    def filters_nothing(self, state: CycleState, pod: PodInfo) -> bool:
        """No required terms, and no existing pod's anti-affinity selects this pod: every
        node passes, so the cycle skips this filter."""
        st: _State = state[self.name]
        return not st.affinity and not st.anti and not st.forbidden

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        st: _State = state[self.name]
        for key, value in st.forbidden:
            if node.labels.get(key) == value:
                return unschedulable(EXISTING_ANTI)
        # Existing pods on this node whose hostname anti-affinity rejects the incoming pod
        # are in st.forbidden already (the snapshot indexes every such pod).
        for term in st.affinity:
            if term.key not in node.labels:
                return unresolvable(AFFINITY)
            if not st.first_of_group and _count(term, pod, node, st.counts) == 0:
                return unresolvable(AFFINITY)
        for term in st.anti:
            if term.key in node.labels and _count(term, pod, node, st.counts) > 0:
                return unschedulable(ANTI)
        return SUCCESS

    def scores_nothing(self, state: CycleState, pod: PodInfo) -> bool:
        """No preferred terms: the raw score is 0 on every node (the cycle skips us)."""
        return not state[self.name].preferred

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        st: _State = state[self.name]
        return sum(weight * _count(term, pod, node, st.counts) for term, weight in st.preferred)

    def normalize(self, state: CycleState, pod: PodInfo, scores: dict[str, int]) -> None:
        if not scores:
            return
        low, high = min(scores.values()), max(scores.values())
        for node, value in scores.items():
            scores[node] = MAX_SCORE * (value - low) // (high - low) if high > low else 0
