"""How the overlay reads a stored decision, without a cluster: a large cluster's decision
lists only the top nodes plus counts per reason, and "why pending?" groups by reason."""
from __future__ import annotations

from dashboard.overlay import node_verdicts, pod_requests, topic, why_pending

LARGE = {  # as scheduler/explain.py writes it when there are more nodes than `top`
    "node": None, "nodes": {"total": 40},
    "rejections": {"Insufficient cpu": 30, "node(s) were unschedulable": 10},
    "filters": {"n-01": {"passed": False, "plugin": "NodeUnschedulable",
                         "reasons": ["node(s) were unschedulable"]},
                "n-02": {"passed": False, "plugin": "NodeResourcesFit",
                         "reasons": ["Insufficient cpu"]}},
    "filtersShown": 2, "scores": [], "message": "0/40 nodes are available: ...",
}
PENDING = {"metadata": {"name": "p"}, "spec": {"containers": [
    {"name": "a", "resources": {"requests": {"cpu": "1500m", "memory": "1Gi"}}},
    {"name": "b", "resources": {"requests": {"cpu": "500m"}}}]}}


def test_it_marks_nodes_the_decision_does_not_list_as_unlisted():
    rows = {r["node"]: r for r in node_verdicts(LARGE, ["n-01", "n-02", "n-03"])}
    assert rows["n-01"]["verdict"] == "rejected"
    assert rows["n-01"]["reasons"] == ["node(s) were unschedulable"]
    assert rows["n-03"]["verdict"] == "unlisted"


def test_it_groups_nodes_by_reason_with_the_counts_of_the_whole_cluster():
    nodes = [{"metadata": {"name": "n"}, "status": {"allocatable": {"cpu": "4",
                                                                    "memory": "8Gi"}}}]
    why = why_pending(PENDING, LARGE, nodes)
    assert [(g["topic"], g["count"], g["nodes"]) for g in why["groups"]] == [
        ("cpu", 30, ["n-02"]), ("cordoned", 10, ["n-01"])]
    assert why["total"] == 40
    assert why["request"] == {"cpu": 2000, "memory": 1024 ** 3}
    assert why["largest"] == {"cpu": 4000, "memory": 8 * 1024 ** 3}


def test_a_bound_pod_is_not_pending_and_an_undecided_one_is_waiting():
    bound = {**PENDING, "spec": {**PENDING["spec"], "nodeName": "n-01"}}
    assert why_pending(bound, LARGE, []) is None
    assert why_pending(PENDING, None, [])["waiting"] is True


def test_it_names_a_topic_for_every_filter_reason():
    assert topic("node(s) had untolerated taint {dedicated: gpu}") == "taint"
    assert topic("node(s) didn't satisfy existing pods anti-affinity rules") == \
        "existing-anti-affinity"
    assert topic("node(s) didn't match pod anti-affinity rules") == "anti-affinity"
    assert topic("node(s) didn't match pod affinity rules") == "affinity"
    assert topic("something new") == "other"
    assert pod_requests({"spec": {"initContainers": [
        {"resources": {"requests": {"cpu": "3"}}}], "containers": []}})["cpu"] == 3000
