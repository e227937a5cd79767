"""NodeName: a pod that names its node may only go there."""
from __future__ import annotations

from scheduler.framework import SUCCESS, CycleState, NodeInfo, PodInfo, Status, unresolvable

REASON = "node(s) didn't match the requested node name"


class NodeName:
    name = "NodeName"

    def filters_nothing(self, state: CycleState, pod: PodInfo) -> bool:
        """The pod names no node: every node passes, so the cycle skips this filter."""
        return not pod.spec.get("nodeName")

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        wanted = pod.spec.get("nodeName")
        return SUCCESS if not wanted or wanted == node.name else unresolvable(REASON)
