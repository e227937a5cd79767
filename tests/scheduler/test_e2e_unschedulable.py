"""End to end: a pod that fits nowhere stays Pending and says why, in Kubernetes' words."""
from __future__ import annotations

from tests.scheduler.helpers import pod

GPU = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]


def test_insufficient_resources_leave_the_pod_pending_with_the_exact_message(cluster):
    cluster.add_node("small", cpu="1")
    cluster.add_node("gpu1", taints=GPU)
    cluster.add_node("gpu2", taints=GPU)
    cluster.create_pod(pod("big", cpu="2"))
    expected = ("0/3 nodes are available: 1 Insufficient cpu, "
                "2 node(s) had untolerated taint {dedicated: gpu}.")

    def condition():
        for c in cluster.pod("big")["status"].get("conditions") or []:
            if c["type"] == "PodScheduled" and c["status"] == "False":
                return c
        return None
    cond = cluster.wait(condition, message="PodScheduled=False")
    assert cond["reason"] == "Unschedulable"
    assert cond["message"] == expected
    assert cluster.pod("big")["status"]["phase"] == "Pending"
    events = cluster.wait(lambda: cluster.events("FailedScheduling"), message="event")
    assert events[0]["message"] == expected and events[0]["type"] == "Warning"


def test_an_unschedulable_pod_is_placed_once_a_node_is_added(cluster):
    cluster.add_node("tiny", cpu="500m")
    cluster.create_pod(pod("later", cpu="1"))
    cluster.wait(lambda: cluster.events("FailedScheduling"), message="first failure")
    big = cluster.add_node("big", cpu="4")
    assert cluster.wait_bound(["later"]) == {"later": big}
