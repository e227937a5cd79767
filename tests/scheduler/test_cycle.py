"""The framework: a cycle's verdicts, messages, weights, tie-breaking, preemption,
relaxed randomisation and the equivalence cache, on in-memory snapshots."""
from __future__ import annotations

import random

from scheduler import profiles
from scheduler.cycle import feasible_to_find, schedule
from scheduler.equivalence import EquivalenceCache
from scheduler.framework import PodInfo
from tests.scheduler.helpers import assert_not_overcommitted, info, node, pod, snapshot

GPU = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]


def test_unschedulable_message_counts_reasons_like_kubernetes():
    nodes = [node("a", cpu="1"), node("b", taints=GPU), node("c", taints=GPU)]
    result = schedule(info(pod(cpu="2")), snapshot(nodes), profiles.get("default-scheduler"))
    assert result.node is None
    assert result.message == ("0/3 nodes are available: 1 Insufficient cpu, "
                              "2 node(s) had untolerated taint {dedicated: gpu}.")
    d = result.decision
    assert d["filters"]["a"] == {"passed": False, "plugin": "NodeResourcesFit",
                                 "reasons": ["Insufficient cpu"]}
    assert d["rejections"] == {"node(s) had untolerated taint {dedicated: gpu}": 2,
                               "Insufficient cpu": 1}


def test_decision_lists_raw_normalised_and_weighted_scores():
    nodes = [node("a"), node("b")]
    snap = snapshot(nodes, {"a": [pod("x", "2", "4Gi")]})
    result = schedule(info(pod(cpu="1", memory="1Gi")), snap, profiles.get("default-scheduler"))
    assert result.node == "b"
    d = result.decision
    top = d["scores"][0]
    assert top["node"] == "b"
    assert len(d["plugins"]) == len(d["weights"]) == len(top["raw"]) == len(top["weighted"])
    taint = d["plugins"].index("TaintToleration")
    assert d["weights"][taint] == 3
    assert top["weighted"][taint] == 3 * top["normalized"][taint]
    fit = d["plugins"].index("NodeResourcesFit")
    assert top["raw"][fit] > 0  # b is empty: LeastAllocated's raw score is high
    assert top["total"] == sum(top["weighted"])


def test_ties_go_to_the_smallest_node_name():
    snap = snapshot([node("c"), node("a"), node("b")])
    for _ in range(5):
        result = schedule(info(pod(cpu="1")), snap, profiles.get("default-scheduler"),
                          rng=random.Random())
        assert result.node == "a"


def test_best_fit_packs_onto_fewer_nodes_than_worst_fit():
    nodes = [node(f"n{i}", cpu="4", memory="8Gi") for i in range(10)]
    used = {}
    for name in ("borg-best-fit", "borg-worst-fit"):
        snap, placed = snapshot(nodes), []
        for i in range(20):
            p = pod(f"p{i}", cpu="500m", memory="512Mi")
            result = schedule(info(p), snap, profiles.get(name))
            placed.append({**p, "spec": {**p["spec"], "nodeName": result.node}})
            bound = info(placed[-1])
            snap.place(bound)
        assert_not_overcommitted(nodes, placed)
        used[name] = len({p["spec"]["nodeName"] for p in placed})
    assert used["borg-best-fit"] < used["borg-worst-fit"]
    assert used == {"borg-best-fit": 3, "borg-worst-fit": 10}


def _with_priority(p: dict, value: int, grace: int = 0) -> dict:
    p["spec"]["priority"] = value
    return p


def test_preemption_picks_fewest_lowest_priority_victims():
    nodes = [node("a", cpu="2"), node("b", cpu="2")]
    snap = snapshot(nodes, {
        "a": [_with_priority(pod("batch1", "1"), 1000), _with_priority(pod("batch2", "1"), 1000)],
        "b": [_with_priority(pod("prod-old", "2"), 100000)]})
    prod = info(_with_priority(pod("prod", "1"), 100000))
    result = schedule(prod, snap, profiles.get("default-scheduler"))
    assert result.node is None
    assert result.preemption.node == "a"
    assert [v.name for v in result.preemption.victims] == ["batch1"] or \
        [v.name for v in result.preemption.victims] == ["batch2"]
    assert len(result.decision["preemption"]["victims"]) == 1


def test_borg_never_preempts_inside_the_production_band():
    snap = snapshot([node("a", cpu="1")], {"a": [_with_priority(pod("prod", "1"), 100000)]})
    monitoring = info(_with_priority(pod("mon", "1"), 1_000_000))
    assert schedule(monitoring, snap, profiles.get("default-scheduler")).preemption.found
    assert not schedule(monitoring, snap, profiles.get("borg-hybrid")).preemption.found


def test_never_preempts_equal_priority():
    snap = snapshot([node("a", cpu="1")], {"a": [_with_priority(pod("b1", "1"), 1000)]})
    p = info(_with_priority(pod("b2", "1"), 1000))
    assert not schedule(p, snap, profiles.get("default-scheduler")).preemption.found


def test_relaxed_randomisation_examines_only_enough_nodes():
    assert feasible_to_find(50, None) == 50
    assert feasible_to_find(1000, None) == 420
    assert feasible_to_find(5000, None) == 500
    snap = snapshot([node(f"n{i:04d}") for i in range(1000)])
    result = schedule(info(pod(cpu="100m")), snap, profiles.get("default-scheduler"),
                      rng=random.Random(1))
    how = result.decision["nodes"]
    assert how["examined"] == 420 and how["total"] == 1000
    assert "relaxed randomisation" in result.decision["examined"]
    assert len(result.decision["scores"]) == 20


def test_equivalence_cache_reuses_verdicts_for_unchanged_nodes():
    snap = snapshot([node(f"n{i}") for i in range(5)])
    cache, profile = EquivalenceCache(), profiles.get("default-scheduler")
    first = schedule(info(pod("r1", cpu="1")), snap, profile, cache=cache)
    assert first.decision["nodes"]["cacheHits"] == 0
    bound = PodInfo.from_object({**pod("r1", cpu="1"),
                                 "spec": {**pod("r1", cpu="1")["spec"],
                                          "nodeName": first.node}})
    snap.place(bound)
    second = schedule(info(pod("r2", cpu="1")), snap, profile, cache=cache)
    # Only the node that got r1 changed; the other four answered from the cache.
    assert second.decision["nodes"]["cacheHits"] == 4
    assert second.node != first.node
