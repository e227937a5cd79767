"""The decision record on a cluster larger than its `top`: rejection counts, the listed
filter verdicts and the ranked score rows, checked against the verdicts and scores
recomputed the plain way (so the record's faster construction cannot drift from them)."""
from __future__ import annotations

import random
from collections import Counter

from scheduler import profiles
from scheduler.cycle import schedule
from scheduler.explain import _rejections
from scheduler.framework import Status, unschedulable
from tests.scheduler.helpers import info, node, pod, snapshot

GPU = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]


def test_rejections_count_every_reason_most_common_first_ties_in_order_seen():
    verdicts: dict[str, Status] = {
        "a": unschedulable("Insufficient cpu", "Insufficient memory").by("NodeResourcesFit"),
        "b": unschedulable("taint").by("TaintToleration"),
        "c": unschedulable("Insufficient memory").by("NodeResourcesFit"),
        "d": unschedulable("Insufficient cpu", "Insufficient memory").by("NodeResourcesFit"),
        "e": unschedulable("selector").by("NodeAffinity"),
    }
    counted = _rejections(verdicts)
    plain = Counter(r for s in verdicts.values() for r in s.reasons)
    assert counted == plain
    # memory 3, cpu 2, then the ties (1 each) in the order they were first seen.
    assert list(dict(counted.most_common())) == [
        "Insufficient memory", "Insufficient cpu", "taint", "selector"]


def test_a_large_clusters_record_lists_top_nodes_and_counts_the_rest():
    # 60 nodes, top 5: every fourth is tainted, every other one too small for the pod.
    nodes = [node(f"n{i:02d}", cpu="1" if i % 2 else "4", taints=GPU if i % 4 == 0 else None)
             for i in range(60)]
    snap = snapshot(nodes, {"n02": [pod("busy", "3", "1Gi")]})
    profile = profiles.get("default-scheduler")
    result = schedule(info(pod(cpu="2")), snap, profile, rng=random.Random(3), top=5,
                      percentage=100)
    d = result.decision
    tainted = {f"n{i:02d}" for i in range(0, 60, 4)}
    small = {f"n{i:02d}" for i in range(1, 60, 2)}
    rejected = sorted(tainted | small | {"n02"})
    assert d["rejections"] == {"Insufficient cpu": len(small) + 1,
                               "node(s) had untolerated taint {dedicated: gpu}": len(tainted)}
    assert list(d["filters"]) == rejected[:5] and d["filtersShown"] == 5
    assert all(not f["passed"] and f["reasons"] for f in d["filters"].values())
    # Scores: the 5 best of the feasible nodes, highest total first, ties by name.
    assert len(d["scores"]) == 5 and d["scores"][0]["node"] == result.node
    keys = [(-s["total"], s["node"]) for s in d["scores"]]
    assert keys == sorted(keys)
    assert not {s["node"] for s in d["scores"]} & set(rejected)
    for row in d["scores"]:
        assert len(row["raw"]) == len(row["normalized"]) == len(d["plugins"])
        assert row["weighted"] == [w * v for w, v in zip(d["weights"], row["normalized"],
                                                         strict=True)]
        assert row["total"] == sum(row["weighted"])
