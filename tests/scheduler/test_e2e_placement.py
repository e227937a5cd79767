"""End to end through the API: where pods land, and why (the decision annotation)."""
from __future__ import annotations

import json

from tests.scheduler.helpers import pod

GPU = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]


def test_node_selector_sends_the_pod_to_the_labelled_node(cluster):
    cluster.add_node("a")
    ssd = cluster.add_node("b", labels={"disk": "ssd"})
    cluster.create_pod(pod("sel", cpu="100m", nodeSelector={"disk": "ssd"}))
    assert cluster.wait_bound(["sel"]) == {"sel": ssd}
    decision = json.loads(cluster.pod("sel")["metadata"]["annotations"][
        "scheduler.kubelab.io/decision"])
    assert decision["node"] == ssd and decision["profile"] == "default-scheduler"
    assert decision["filters"][f"{cluster.prefix}-a"]["reasons"] == [
        "node(s) didn't match Pod's node affinity/selector"]


def test_only_tolerating_pods_go_to_tainted_nodes(cluster):
    gpu = cluster.add_node("gpu", taints=GPU)
    plain = cluster.add_node("plain", cpu="1")
    cluster.create_pod(pod("tol", cpu="2", tolerations=[
        {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]))
    cluster.create_pod(pod("any", cpu="500m"))
    assert cluster.wait_bound(["tol", "any"]) == {"tol": gpu, "any": plain}


def test_anti_affinity_spreads_three_replicas_over_three_nodes(cluster):
    names = [cluster.add_node(s) for s in "abc"]
    anti = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "web"}},
         "topologyKey": "kubernetes.io/hostname"}]}}
    for i in range(3):
        cluster.create_pod(pod(f"web-{i}", cpu="100m", labels={"app": "web"}, affinity=anti))
    placed = cluster.wait_bound([f"web-{i}" for i in range(3)])
    assert sorted(placed.values()) == sorted(names)


def test_cordoned_node_gets_no_new_pods(cluster):
    cordoned = cluster.add_node("cordoned")
    cluster.add_node("open", cpu="8")
    cluster.core.patch_node(cordoned, {"spec": {"unschedulable": True}})
    for i in range(4):
        cluster.create_pod(pod(f"c-{i}", cpu="100m"))
    placed = cluster.wait_bound([f"c-{i}" for i in range(4)])
    assert cordoned not in placed.values()


def test_best_fit_packs_twenty_pods_on_fewer_nodes_than_worst_fit(cluster):
    for i in range(6):
        cluster.add_node(f"n{i}", cpu="4", memory="8Gi")
    used = {}
    for profile in ("borg-worst-fit", "borg-best-fit"):
        names = [f"{profile}-{i}" for i in range(20)]
        for name in names:
            cluster.create_pod(pod(name, cpu="500m", memory="256Mi", schedulerName=profile))
        placed = cluster.wait_bound(names, timeout=60)
        used[profile] = len(set(placed.values()))
        for name in names:  # delete unbound-by-kubelet pods at once for the next round
            cluster.core.delete_namespaced_pod(name, cluster.namespace,
                                               grace_period_seconds=0)
        cluster.wait(lambda names=names: not [p for p in cluster.pods()
                                              if p["metadata"]["name"] in names],
                     message="pods deleted")
    assert used["borg-best-fit"] < used["borg-worst-fit"], used
