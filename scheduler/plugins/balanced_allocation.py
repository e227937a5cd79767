"""BalancedAllocation: prefer nodes whose cpu and memory use stay alike after placing the
pod (a node full on cpu but empty on memory strands its memory)."""
from __future__ import annotations

from scheduler.framework import MAX_SCORE, CycleState, NodeInfo, PodInfo
from scheduler.plugins.resources_fit import fractions


class BalancedAllocation:
    name = "BalancedAllocation"

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        cpu, mem = fractions(pod, node)
        # The standard deviation of two values is half their distance.
        return int((1 - abs(cpu - mem) / 2) * MAX_SCORE)
