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


class TaintToleration:
    name = "TaintToleration"

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        for taint in node.taints:
            if taint.get("effect") in ("NoSchedule", "NoExecute") \
                    and not tolerated(pod.tolerations, taint):
                return unresolvable(f"node(s) had untolerated taint {describe(taint)}")
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        prefer = [t for t in pod.tolerations
                  if isinstance(t, dict) and t.get("effect") in ("", None, "PreferNoSchedule")]
        return sum(1 for taint in node.taints if taint.get("effect") == "PreferNoSchedule"
                   and not tolerated(prefer, taint))

    def normalize(self, state: CycleState, pod: PodInfo, scores: dict[str, int]) -> None:
        normalize_to_max(scores, reverse=True)
