"""BorgHybrid: the Borg paper's hybrid scoring (§3.2), which packs like best fit but
avoids stranding resources (a node whose cpu is full keeps memory nobody can use).
Half the score is best fit, half is how little the placement strands."""
from __future__ import annotations

from scheduler.framework import MAX_SCORE, CycleState, NodeInfo, PodInfo
from scheduler.plugins.resources_fit import fractions, most_allocated


def stranded(cpu: float, mem: float) -> float:
    """The fraction of the node left unusable: the gap between free cpu and free memory."""
    return abs((1 - cpu) - (1 - mem))


class BorgHybrid:
    name = "BorgHybrid"

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        cpu, mem = fractions(pod, node)
        return int((most_allocated(cpu, mem) + (1 - stranded(cpu, mem)) * MAX_SCORE) / 2)
