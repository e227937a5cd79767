"""Filter plugins as pure functions of pod + node snapshot."""
from __future__ import annotations

from scheduler.framework import Code, CycleState
from scheduler.plugins.inter_pod_affinity import InterPodAffinity
from scheduler.plugins.node_affinity import NodeAffinity
from scheduler.plugins.node_name import NodeName
from scheduler.plugins.node_unschedulable import NodeUnschedulable
from scheduler.plugins.pod_topology_spread import PodTopologySpread
from scheduler.plugins.resources_fit import NodeResourcesFit
from scheduler.plugins.taint_toleration import TaintToleration
from tests.scheduler.helpers import info, node, node_info, pod, snapshot

S = CycleState()


def test_node_name_only_matches_the_named_node():
    p = info(pod(nodeName="a"))
    assert NodeName().filter(S, p, node_info(node("a"))).ok
    assert NodeName().filter(S, p, node_info(node("b"))).code == Code.UNRESOLVABLE


def test_cordoned_node_rejects_unless_tolerated():
    cordoned = node_info(node("a", unschedulable=True))
    assert NodeUnschedulable().filter(S, info(pod()), cordoned).reasons == (
        "node(s) were unschedulable",)
    tolerant = info(pod(tolerations=[{"key": "node.kubernetes.io/unschedulable",
                                      "operator": "Exists"}]))
    assert NodeUnschedulable().filter(S, tolerant, cordoned).ok


def test_resources_fit_reports_each_insufficient_resource():
    full = node_info(node("a", cpu="1", memory="1Gi"), pod("x", "800m", "900Mi"))
    status = NodeResourcesFit().filter(S, info(pod(cpu="300m", memory="200Mi")), full)
    assert status.code == Code.UNSCHEDULABLE
    assert status.reasons == ("Insufficient cpu", "Insufficient memory")
    assert NodeResourcesFit().filter(S, info(pod(cpu="200m")), full).ok


def test_resources_fit_counts_pods():
    n = node_info(node("a", pods="1"), pod("x"))
    assert NodeResourcesFit().filter(S, info(pod()), n).reasons == ("Too many pods",)


def test_untolerated_noschedule_taint_is_named_like_kubernetes():
    n = node_info(node("a", taints=[{"key": "dedicated", "value": "gpu",
                                     "effect": "NoSchedule"}]))
    status = TaintToleration().filter(S, info(pod()), n)
    assert status.reasons == ("node(s) had untolerated taint {dedicated: gpu}",)
    ok = info(pod(tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu",
                                "effect": "NoSchedule"}]))
    assert TaintToleration().filter(S, ok, n).ok
    assert TaintToleration().filter(S, info(pod(tolerations=[{"operator": "Exists"}])), n).ok


def test_prefer_no_schedule_taint_does_not_filter():
    n = node_info(node("a", taints=[{"key": "k", "effect": "PreferNoSchedule"}]))
    assert TaintToleration().filter(S, info(pod()), n).ok


def test_node_selector_and_required_affinity():
    ssd = node_info(node("a", labels={"disk": "ssd", "rank": "5"}))
    hdd = node_info(node("b", labels={"disk": "hdd"}))
    p = info(pod(nodeSelector={"disk": "ssd"}))
    assert NodeAffinity().filter(S, p, ssd).ok
    assert NodeAffinity().filter(S, p, hdd).reasons == (
        "node(s) didn't match Pod's node affinity/selector",)
    gt = info(pod(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [
            {"key": "rank", "operator": "Gt", "values": ["3"]}]}]}}}))
    assert NodeAffinity().filter(S, gt, ssd).ok
    assert not NodeAffinity().filter(S, gt, hdd).ok


def _anti(app: str, key: str = "kubernetes.io/hostname") -> dict:
    return {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}]}}


def test_required_anti_affinity_rejects_nodes_with_a_matching_pod():
    web = pod("w1", labels={"app": "web"}, affinity=_anti("web"))
    snap = snapshot([node("a"), node("b")], {"a": [web]})
    plugin, state = InterPodAffinity(), CycleState()
    incoming = info(pod("w2", labels={"app": "web"}, affinity=_anti("web")))
    plugin.pre_filter(state, incoming, snap)
    assert not plugin.filter(state, incoming, snap.nodes["a"]).ok
    assert plugin.filter(state, incoming, snap.nodes["b"]).ok


def test_existing_pods_anti_affinity_on_a_zone_rejects_the_whole_zone():
    guard = pod("g", labels={"app": "guard"},
                affinity=_anti("web", "topology.kubernetes.io/zone"))
    nodes = [node("a", labels={"topology.kubernetes.io/zone": "z1"}),
             node("b", labels={"topology.kubernetes.io/zone": "z1"}),
             node("c", labels={"topology.kubernetes.io/zone": "z2"})]
    snap = snapshot(nodes, {"a": [guard]})
    plugin, state = InterPodAffinity(), CycleState()
    incoming = info(pod("w", labels={"app": "web"}))
    plugin.pre_filter(state, incoming, snap)
    assert [plugin.filter(state, incoming, snap.nodes[n]).ok for n in "abc"] == \
        [False, False, True]
    assert not plugin.node_local(state, incoming, snap)


def test_required_affinity_first_pod_of_a_group_may_go_anywhere():
    aff = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey":
         "kubernetes.io/hostname"}]}}
    snap = snapshot([node("a"), node("b")])
    plugin, state = InterPodAffinity(), CycleState()
    first = info(pod("db1", labels={"app": "db"}, affinity=aff))
    plugin.pre_filter(state, first, snap)
    assert plugin.filter(state, first, snap.nodes["a"]).ok
    snap = snapshot([node("a"), node("b")], {"b": [pod("db1", labels={"app": "db"})]})
    second = info(pod("db2", labels={"app": "db"}, affinity=aff))
    state = CycleState()
    plugin.pre_filter(state, second, snap)
    assert not plugin.filter(state, second, snap.nodes["a"]).ok
    assert plugin.filter(state, second, snap.nodes["b"]).ok


def test_topology_spread_respects_max_skew():
    spread = [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
               "whenUnsatisfiable": "DoNotSchedule",
               "labelSelector": {"matchLabels": {"app": "web"}}}]
    web = pod("w1", labels={"app": "web"})
    snap = snapshot([node("a"), node("b")], {"a": [web]})
    plugin, state = PodTopologySpread(), CycleState()
    incoming = info(pod("w2", labels={"app": "web"}, topologySpreadConstraints=spread))
    plugin.pre_filter(state, incoming, snap)
    assert not plugin.filter(state, incoming, snap.nodes["a"]).ok
    assert plugin.filter(state, incoming, snap.nodes["b"]).ok
