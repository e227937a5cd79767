"""NodeAffinity: spec.nodeSelector and required node affinity filter (terms are ORed,
expressions inside a term ANDed); preferred terms add their weights to the score."""
from __future__ import annotations

from scheduler.framework import (
    SUCCESS,
    CycleState,
    NodeInfo,
    PodInfo,
    Status,
    normalize_to_max,
    unresolvable,
)

REASON = "node(s) didn't match Pod's node affinity/selector"


def _as_int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def requirement_matches(req: dict, labels: dict) -> bool:
    key, op, values = req.get("key", ""), req.get("operator", ""), req.get("values") or []
    present = key in labels
    if op == "In":
        return present and labels[key] in values
    if op == "NotIn":
        return not present or labels[key] not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt") and present and values:
        have, limit = _as_int(labels[key]), _as_int(values[0])
        if have is None or limit is None:
            return False
        return have > limit if op == "Gt" else have < limit
    return False


def term_matches(term: dict, node: NodeInfo) -> bool:
    exprs = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not exprs and not fields:
        return False  # an empty term matches nothing
    return all(requirement_matches(r, node.labels) for r in exprs) and \
        all(requirement_matches(r, {"metadata.name": node.name}) for r in fields)


def required_matches(pod: PodInfo, node: NodeInfo) -> bool:
    for key, value in (pod.spec.get("nodeSelector") or {}).items():
        if node.labels.get(key) != value:
            return False
    required = ((pod.affinity.get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    terms = required.get("nodeSelectorTerms")
    if terms is None:
        return True
    return any(term_matches(t, node) for t in terms)


class NodeAffinity:
    name = "NodeAffinity"

    def filters_nothing(self, state: CycleState, pod: PodInfo) -> bool:
        """No nodeSelector and no required terms: every node passes, so the cycle skips
        this filter."""
        required = (pod.affinity.get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution")
        return not pod.spec.get("nodeSelector") and required is None

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        return SUCCESS if required_matches(pod, node) else unresolvable(REASON)

    def scores_nothing(self, state: CycleState, pod: PodInfo) -> bool:
        """No preferred terms: the raw score is 0 on every node (the cycle skips us)."""
        return not (pod.affinity.get("nodeAffinity") or {}).get(
            "preferredDuringSchedulingIgnoredDuringExecution")

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        preferred = ((pod.affinity.get("nodeAffinity") or {})
                     .get("preferredDuringSchedulingIgnoredDuringExecution") or [])
        return sum(int(p.get("weight") or 0) for p in preferred
                   if term_matches(p.get("preference") or {}, node))

    def normalize(self, state: CycleState, pod: PodInfo, scores: dict[str, int]) -> None:
        normalize_to_max(scores)
