"""Score plugins: raw scores as pure functions, and their normalisation."""
from __future__ import annotations

from scheduler.framework import CycleState
from scheduler.plugins.balanced_allocation import BalancedAllocation
from scheduler.plugins.borg_hybrid import BorgHybrid
from scheduler.plugins.image_locality import ImageLocality
from scheduler.plugins.node_affinity import NodeAffinity
from scheduler.plugins.resources_fit import MOST, RATIO, NodeResourcesFit
from scheduler.plugins.taint_toleration import TaintToleration
from tests.scheduler.helpers import info, node, node_info, pod

S = CycleState()
EMPTY = node("empty", cpu="4", memory="4Gi")
BUSY = node("busy", cpu="4", memory="4Gi")


def test_least_allocated_prefers_the_emptier_node_and_most_allocated_the_fuller():
    p = info(pod(cpu="1", memory="1Gi"))
    empty, busy = node_info(EMPTY), node_info(BUSY, pod("x", "2", "2Gi"))
    least, most = NodeResourcesFit(), NodeResourcesFit(MOST)
    assert least.score(S, p, empty) == 75 and least.score(S, p, busy) == 25
    assert most.score(S, p, empty) == 25 and most.score(S, p, busy) == 75


def test_requested_to_capacity_ratio_follows_its_shape():
    p = info(pod(cpu="2", memory="2Gi"))
    packing = NodeResourcesFit(RATIO)
    spreading = NodeResourcesFit(RATIO, shape=[(0, 10), (100, 0)])
    assert packing.score(S, p, node_info(EMPTY)) == 50
    assert spreading.score(S, p, node_info(BUSY, pod("x", "1", "1Gi"))) == 25


def test_pods_without_requests_are_scored_with_kubernetes_defaults():
    p = info(pod())
    assert p.requests.cpu == 0 and p.nonzero.cpu == 100
    assert NodeResourcesFit().score(S, p, node_info(node("n", cpu="1", memory="2Gi"))) < 100


def test_balanced_allocation_prefers_even_use():
    even = info(pod(cpu="1", memory="1Gi"))
    lopsided = info(pod(cpu="2", memory="100Mi"))
    n = node_info(EMPTY)
    assert BalancedAllocation().score(S, even, n) > BalancedAllocation().score(S, lopsided, n)


def test_borg_hybrid_prefers_packing_that_strands_less():
    p = info(pod(cpu="1", memory="1Gi"))
    balanced = node_info(BUSY, pod("x", "2", "2Gi"))
    stranding = node_info(node("s", cpu="4", memory="4Gi"), pod("y", "3", "100Mi"))
    assert BorgHybrid().score(S, p, balanced) > BorgHybrid().score(S, p, stranding)


def test_preferred_node_affinity_is_normalised_to_the_best_node():
    p = info(pod(affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 30, "preference": {"matchExpressions": [
            {"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}}))
    plugin = NodeAffinity()
    scores = {"a": plugin.score(S, p, node_info(node("a", labels={"disk": "ssd"}))),
              "b": plugin.score(S, p, node_info(node("b")))}
    assert scores == {"a": 30, "b": 0}
    plugin.normalize(S, p, scores)
    assert scores == {"a": 100, "b": 0}


def test_prefer_no_schedule_taints_lower_the_normalised_score():
    tainted = node_info(node("t", taints=[{"key": "k", "effect": "PreferNoSchedule"}]))
    plugin, p = TaintToleration(), info(pod())
    scores = {"t": plugin.score(S, p, tainted), "c": plugin.score(S, p, node_info(node("c")))}
    plugin.normalize(S, p, scores)
    assert scores == {"t": 0, "c": 100}


def test_image_locality_prefers_nodes_holding_the_image():
    n = node("i")
    n["status"]["images"] = [{"names": ["busybox:latest"], "sizeBytes": 500 * 1024 * 1024}]
    p = info(pod())
    assert ImageLocality().score(S, p, node_info(n)) > 0
    assert ImageLocality().score(S, p, node_info(node("j"))) == 0
