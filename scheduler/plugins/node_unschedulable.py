"""NodeUnschedulable: a cordoned node takes no new pods, unless they tolerate the
unschedulable taint (as DaemonSet pods do)."""
from __future__ import annotations

from scheduler.framework import SUCCESS, CycleState, NodeInfo, PodInfo, Status, unresolvable
from scheduler.plugins.tolerations import tolerated

REASON = "node(s) were unschedulable"
TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}


class NodeUnschedulable:
    name = "NodeUnschedulable"

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        if not node.unschedulable or tolerated(pod.tolerations, TAINT):
            return SUCCESS
        return unresolvable(REASON)
