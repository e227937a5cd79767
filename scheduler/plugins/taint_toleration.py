"""TaintToleration: NoSchedule and NoExecute taints filter, PreferNoSchedule taints
lower the score (fewest untolerated preferences best)."""
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
from scheduler.plugins.tolerations import tolerated


def describe(taint: dict) -> str:
    # kube-scheduler's wording: {key: value}
    return "{" + f"{taint.get('key', '')}: {taint.get('value', '')}" + "}"


_UNSET = object()


def _prefer_tolerations(pod: PodInfo) -> list:
    return [t for t in pod.tolerations
            if isinstance(t, dict) and t.get("effect") in ("", None, "PreferNoSchedule")]


class TaintToleration:
    name = "TaintToleration"

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        for taint in node.taints:
            if taint.get("effect") in ("NoSchedule", "NoExecute") \
                    and not tolerated(pod.tolerations, taint):
                return unresolvable(f"node(s) had untolerated taint {describe(taint)}")
        return SUCCESS

    def pre_score(self, state: CycleState, pod: PodInfo, snapshot) -> None:
        # None: no node has a PreferNoSchedule taint, so every score is 0 (a snapshot
        # that does not keep the index is looked at node by node).
        any_prefer = getattr(snapshot, "prefer_taint_nodes", True)
        state[self.name] = _prefer_tolerations(pod) if any_prefer else None

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        prefer = state.get(self.name, _UNSET)
        if prefer is None:
            return 0
        if prefer is _UNSET:  # called without pre_score (unit tests)
            prefer = _prefer_tolerations(pod)
        return sum(1 for taint in node.taints if taint.get("effect") == "PreferNoSchedule"
                   and not tolerated(prefer, taint))

    def normalize(self, state: CycleState, pod: PodInfo, scores: dict[str, int]) -> None:
        normalize_to_max(scores, reverse=True)
