"""Node registration, leases and readiness through the store (in-process, own SQLite DB)."""
from __future__ import annotations

import pytest

from cluster.kubelet import node_agent


@pytest.fixture(scope="module")
def store_db():
    """The session's private SQLite database (conftest points KUBELAB_VAR_DIR at a temp
    dir), migrated, with the lease namespace."""
    from django.core.management import call_command

    from cluster import store
    from cluster.errors import AlreadyExists
    call_command("migrate", verbosity=0)
    try:
        store.create("Namespace", {"metadata": {"name": node_agent.LEASE_NAMESPACE}})
    except AlreadyExists:
        pass
    return store


def test_a_registered_node_is_ready_with_capacity_labels_and_taints(store_db) -> None:
    taint = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
    node = node_agent.register_node("agent-1", cpu="2", memory="4Gi", pods=50,
                                    labels={"tier": "gpu"}, taints=[taint], zone="zone-b",
                                    node_info={"containerRuntimeVersion": "docker://27"})
    labels = node["metadata"]["labels"]
    assert labels["kubernetes.io/hostname"] == "agent-1"
    assert labels["topology.kubernetes.io/zone"] == "zone-b" and labels["tier"] == "gpu"
    status = node["status"]
    assert status["capacity"]["cpu"] == "2" and status["allocatable"]["pods"] == "50"
    conds = {c["type"]: c for c in status["conditions"]}
    assert conds["Ready"]["status"] == "True"
    assert {"MemoryPressure", "DiskPressure", "PIDPressure"} <= set(conds)
    assert conds["Ready"]["lastHeartbeatTime"].endswith("Z")
    assert status["nodeInfo"]["kubeletVersion"] == "v1.32.0-kubelab"
    assert status["nodeInfo"]["containerRuntimeVersion"] == "docker://27"
    assert node["spec"]["taints"] == [taint]


def test_registering_again_updates_the_node_in_place(store_db) -> None:
    first = node_agent.register_node("agent-2", cpu="2")
    again = node_agent.register_node("agent-2", cpu="8")
    assert again["metadata"]["uid"] == first["metadata"]["uid"]
    assert store_db.get("Node", "", "agent-2")["status"]["capacity"]["cpu"] == "8"


def test_leases_are_created_then_renewed_with_micro_times(store_db) -> None:
    node_agent.register_node("agent-3")
    first = node_agent.renew_lease("agent-3")
    spec = first["spec"]
    assert spec["holderIdentity"] == "agent-3" and spec["leaseDurationSeconds"] == 40
    assert len(spec["renewTime"].rsplit(".", 1)[1]) == 7  # 6 digits then Z
    renewed = node_agent.renew_leases(["agent-3"])[0]
    assert renewed["metadata"]["uid"] == first["metadata"]["uid"]
    assert renewed["spec"]["renewTime"] >= spec["renewTime"]
    assert int(renewed["metadata"]["resourceVersion"]) > int(first["metadata"]["resourceVersion"])


def test_set_node_ready_flips_the_condition_and_its_transition_time(store_db) -> None:
    node_agent.register_node("agent-4")
    down = node_agent.set_node_ready("agent-4", False, "RuntimeDown", "docker is not answering")
    cond = next(c for c in down["status"]["conditions"] if c["type"] == "Ready")
    assert cond["status"] == "False" and cond["reason"] == "RuntimeDown"
    up = node_agent.set_node_ready("agent-4", True)
    cond_up = next(c for c in up["status"]["conditions"] if c["type"] == "Ready")
    assert cond_up["status"] == "True" and cond_up["reason"] == "KubeletReady"
    assert node_agent.set_nodes_ready(["no-such-node"], True) == [None]
