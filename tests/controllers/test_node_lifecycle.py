"""A node that stops renewing its Lease goes NotReady and tainted, its pods are evicted
and recreated elsewhere; renewed again, it is Ready and untainted."""
from __future__ import annotations

import time

from cluster.controllers import settings as cs
from tests.controllers.helpers import ready, replicaset, wait_for

TAINT = "node.kubernetes.io/unreachable"


def _node(api, name):
    return api.call("GET", f"/api/v1/nodes/{name}")[1]


def _ready_status(node):
    return next((c["status"] for c in node.get("status", {}).get("conditions", [])
                 if c["type"] == "Ready"), None)


def _tainted(node):
    return any(t["key"] == TAINT for t in node.get("spec", {}).get("taints") or [])


def test_a_silent_node_is_marked_unreachable_and_its_pods_move(api, ns, nodes):
    api.call("POST", f"/apis/apps/v1/namespaces/{ns}/replicasets", replicaset("nl", 4))
    wait_for(lambda: len(ready(api.pods(ns))) == 4, "4 ready pods")
    dead = nodes.nodes[0]
    victims = {p["metadata"]["name"] for p in api.pods(ns) if p["spec"]["nodeName"] == dead}
    assert victims
    nodes.dead.add(dead)
    stopped = time.monotonic()
    wait_for(lambda: _ready_status(_node(api, dead)) == "Unknown" and _tainted(_node(api, dead)),
             "NotReady + taint", timeout=cs.NODE_GRACE_SECONDS + 3)
    went_unknown = time.monotonic() - stopped
    wait_for(lambda: len(r := ready(api.pods(ns))) == 4 and
             all(p["spec"]["nodeName"] != dead for p in r), "pods recreated elsewhere",
             timeout=cs.EVICTION_TOLERATION_SECONDS + 5)
    moved = time.monotonic() - stopped
    assert went_unknown <= cs.NODE_GRACE_SECONDS + 2.5, went_unknown
    assert moved <= cs.NODE_GRACE_SECONDS + cs.EVICTION_TOLERATION_SECONDS + 4, moved
    nodes.dead.discard(dead)
    nodes.renew(dead)
    wait_for(lambda: _ready_status(_node(api, dead)) == "True" and not _tainted(
        _node(api, dead)), "Ready again", timeout=5)
