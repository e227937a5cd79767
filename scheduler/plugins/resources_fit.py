"""NodeResourcesFit: requests (cpu, memory, pod count) against allocatable, and the
three ways of scoring what is left: LeastAllocated (spread; Borg's worst fit),
MostAllocated (pack; Borg's best fit) and RequestedToCapacityRatio (a utilisation
curve given as points)."""
from __future__ import annotations

from scheduler.framework import (
    MAX_SCORE,
    SUCCESS,
    CycleState,
    NodeInfo,
    PodInfo,
    Status,
    unschedulable,
)

LEAST, MOST, RATIO = "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"


def fits(pod: PodInfo, node: NodeInfo) -> list[str]:
    """The reasons the pod does not fit (empty when it fits)."""
    reasons = []
    alloc, used, want = node.allocatable, node.requested, pod.requests
    if used.pods + 1 > alloc.pods:
        reasons.append("Too many pods")
    if want.cpu and used.cpu + want.cpu > alloc.cpu:
        reasons.append("Insufficient cpu")
    if want.memory and used.memory + want.memory > alloc.memory:
        reasons.append("Insufficient memory")
    return reasons


def fractions(pod: PodInfo, node: NodeInfo) -> tuple[float, float]:
    """Requested/allocatable for cpu and memory once the pod is on the node, capped at 1."""
    alloc, used = node.allocatable, node.nonzero_requested
    cpu = (used.cpu + pod.nonzero.cpu) / alloc.cpu if alloc.cpu else 1.0
    mem = (used.memory + pod.nonzero.memory) / alloc.memory if alloc.memory else 1.0
    return min(cpu, 1.0), min(mem, 1.0)


def least_allocated(cpu: float, mem: float) -> int:
    return int(((1 - cpu) + (1 - mem)) / 2 * MAX_SCORE)


def most_allocated(cpu: float, mem: float) -> int:
    return int((cpu + mem) / 2 * MAX_SCORE)


def ratio_score(utilisation: float, shape: list[tuple[int, int]]) -> float:
    """Piecewise-linear shape: (utilisation 0..100, score 0..10) points, as kube's config."""
    u = utilisation * 100
    if u <= shape[0][0]:
        return shape[0][1] * 10
    for (x0, y0), (x1, y1) in zip(shape, shape[1:], strict=False):
        if u <= x1:
            return (y0 + (y1 - y0) * (u - x0) / (x1 - x0)) * 10
    return shape[-1][1] * 10


class NodeResourcesFit:
    name = "NodeResourcesFit"

    def __init__(self, strategy: str = LEAST,
                 shape: list[tuple[int, int]] | None = None) -> None:
        if strategy not in (LEAST, MOST, RATIO):
            raise ValueError(f"unknown scoring strategy {strategy!r}")
        self.strategy = strategy
        # Default shape packs: score rises with utilisation (0% -> 0, 100% -> 10).
        self.shape = shape or [(0, 0), (100, 10)]

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        reasons = fits(pod, node)
        return unschedulable(*reasons) if reasons else SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        cpu, mem = fractions(pod, node)
        if self.strategy == LEAST:
            return least_allocated(cpu, mem)
        if self.strategy == MOST:
            return most_allocated(cpu, mem)
        return int((ratio_score(cpu, self.shape) + ratio_score(mem, self.shape)) / 2)
