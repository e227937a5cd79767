"""A node that stops renewing its Lease (the simulator's `simulator.failedNodes` switch)
goes NotReady and tainted within the grace period, its pods are evicted after the
toleration and recreated on other nodes; revived, it is Ready and untainted again."""
from __future__ import annotations

import time

from cluster.controllers import settings as cs
from tests.controllers.helpers import ready, replicaset, wait_for

TAINT = "node.kubernetes.io/unreachable"
FAILED = "simulator.failedNodes"


def _node(api, name):
    return api.call("GET", f"/api/v1/nodes/{name}")[1]


def _ready_status(node):
    return next((c["status"] for c in node.get("status", {}).get("conditions", [])
                 if c["type"] == "Ready"), None)


def _tainted(node):
    return any(t["key"] == TAINT for t in node.get("spec", {}).get("taints") or [])


def test_a_failed_node_goes_not_ready_and_its_pods_move(api, ns):
    api.call("POST", f"/apis/apps/v1/namespaces/{ns}/replicasets", replicaset("nl", 6))
    wait_for(lambda: len(ready(api.pods(ns))) == 6, "6 ready pods")
    on_node: dict[str, set[str]] = {}
    for p in api.pods(ns):
        on_node.setdefault(p["spec"]["nodeName"], set()).add(p["metadata"]["name"])
    dead = max(on_node, key=lambda n: len(on_node[n]))
    victims = on_node[dead]
    api.set_settings({FAILED: dead})
    failed = time.monotonic()
    try:
        wait_for(lambda: _ready_status(n := _node(api, dead)) != "True" and _tainted(n),
                 "NotReady + taint", timeout=cs.NODE_GRACE_SECONDS + 5)
        not_ready = time.monotonic() - failed
        wait_for(lambda: len(r := ready(api.pods(ns))) == 6 and
                 all(p["spec"]["nodeName"] != dead for p in r) and
                 not victims & {p["metadata"]["name"] for p in api.pods(ns)},
                 "pods recreated elsewhere", timeout=cs.EVICTION_TOLERATION_SECONDS + 10)
        moved = time.monotonic() - failed - not_ready
    finally:
        api.set_settings({FAILED: ""})
    assert not_ready <= cs.NODE_GRACE_SECONDS + 1, not_ready
    assert moved <= cs.EVICTION_TOLERATION_SECONDS + 2, moved
    wait_for(lambda: _ready_status(n := _node(api, dead)) == "True" and not _tainted(n),
             "Ready again", timeout=10)


def _pod_ready(api, ns, name):
    pod = api.call("GET", f"/api/v1/namespaces/{ns}/pods/{name}")[1]
    return next((c for c in pod.get("status", {}).get("conditions", [])
                 if c["type"] == "Ready"), {})


def test_pods_of_an_unreachable_node_are_not_ready_until_it_returns(api, ns):
    """A pod that tolerates the unreachable taint stays bound, but leaves Ready (so its
    Services stop sending to it) until the node comes back."""
    node = "node-3"
    api.call("POST", f"/api/v1/namespaces/{ns}/pods", {
        "metadata": {"name": "stays", "labels": {"app": "stays"}},
        "spec": {"nodeName": node, "containers": [{"name": "app", "image": "busybox"}],
                 "tolerations": [{"key": TAINT, "operator": "Exists",
                                  "effect": "NoExecute"}]}})
    wait_for(lambda: _pod_ready(api, ns, "stays").get("status") == "True", "pod Ready",
             timeout=40)
    api.set_settings({FAILED: node})
    try:
        cond = wait_for(lambda: (c := _pod_ready(api, ns, "stays")).get("status") == "False"
                        and c, "pod not Ready", timeout=cs.NODE_GRACE_SECONDS + 20)
        assert cond.get("reason") == "NodeNotReady"
        effects = {t["effect"] for t in _node(api, node)["spec"].get("taints") or []
                   if t["key"] == TAINT}
        assert effects == {"NoSchedule", "NoExecute"}  # nothing new lands there either
    finally:
        api.set_settings({FAILED: ""})
    wait_for(lambda: _pod_ready(api, ns, "stays").get("status") == "True",
             "pod Ready again after the node returned", timeout=40)
    assert api.call("GET", f"/api/v1/namespaces/{ns}/pods/stays")[1]["spec"]["nodeName"] \
        == node
