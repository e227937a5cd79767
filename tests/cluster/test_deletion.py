"""Deletion as Kubernetes does it: grace periods, propagation policies, namespaces."""
from __future__ import annotations

import uuid

from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.cluster.unscheduled import GHOST_NODE, NO_SCHEDULER
from tests.waiting import wait_for


def gone(read) -> bool:
    try:
        read()
        return False
    except ApiException as err:
        return err.status == 404


def _ns(core) -> str:
    name = f"d-{uuid.uuid4().hex[:8]}"
    core.create_namespace({"metadata": {"name": name}})
    return name


def _pod(name: str, owner: dict | None = None, grace: int = 30) -> dict:
    meta: dict = {"name": name, "labels": {"app": "d"}}
    if owner:
        meta["ownerReferences"] = [owner]
    return {"metadata": meta, "spec": {"terminationGracePeriodSeconds": grace,
                                       "schedulerName": NO_SCHEDULER,
                                       "containers": [{"name": "a", "image": "busybox"}]}}


def _bind(core, ns: str, name: str) -> None:
    core.create_namespaced_binding(ns, {"metadata": {"name": name},
                                        "target": {"kind": "Node", "name": GHOST_NODE}},
                                   _preload_content=False)


def test_a_bound_pod_waits_for_its_kubelet_then_goes(k8s):
    core = client.CoreV1Api(k8s)
    ns = _ns(core)
    core.create_namespaced_pod(ns, _pod("bound"))
    _bind(core, ns, "bound")
    core.delete_namespaced_pod("bound", ns)
    terminating = core.read_namespaced_pod("bound", ns)
    assert terminating.metadata.deletion_timestamp is not None
    assert terminating.metadata.deletion_grace_period_seconds == 30
    # The kubelet confirms by deleting with grace 0.
    core.delete_namespaced_pod("bound", ns, grace_period_seconds=0)
    assert gone(lambda: core.read_namespaced_pod("bound", ns))


def test_a_bound_pod_goes_when_its_grace_period_ends(k8s):
    core = client.CoreV1Api(k8s)
    ns = _ns(core)
    core.create_namespaced_pod(ns, _pod("short", grace=1))
    _bind(core, ns, "short")
    core.delete_namespaced_pod("short", ns)
    wait_for(lambda: gone(lambda: core.read_namespaced_pod("short", ns)), "grace to end")


def test_an_unbound_pod_goes_at_once(k8s):
    core = client.CoreV1Api(k8s)
    ns = _ns(core)
    core.create_namespaced_pod(ns, _pod("free"))
    core.delete_namespaced_pod("free", ns)
    assert gone(lambda: core.read_namespaced_pod("free", ns))


def _owner_with_pods(k8s, ns: str, name: str):
    """A ConfigMap owning two pods: no controller manages either, so only the garbage
    collector acts on them (a ReplicaSet owner would have its controller step in)."""
    core = client.CoreV1Api(k8s)
    owner = core.create_namespaced_config_map(ns, {"metadata": {"name": name},
                                                   "data": {"k": "v"}})
    ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": name,
           "uid": owner.metadata.uid, "blockOwnerDeletion": True}
    for i in range(2):
        core.create_namespaced_pod(ns, _pod(f"{name}-{i}", ref))
    return core


def test_background_propagation_deletes_dependents(k8s):
    ns = _ns(client.CoreV1Api(k8s))
    core = _owner_with_pods(k8s, ns, "bg")
    assert len(core.list_namespaced_pod(ns).items) == 2
    core.delete_namespaced_config_map("bg", ns, propagation_policy="Background")
    assert gone(lambda: core.read_namespaced_config_map("bg", ns))
    wait_for(lambda: not core.list_namespaced_pod(ns).items, "dependents to go")


def test_foreground_propagation_keeps_the_owner_until_dependents_are_gone(k8s):
    ns = _ns(client.CoreV1Api(k8s))
    core = _owner_with_pods(k8s, ns, "fg")
    # A finalizer holds one dependent, so the owner must wait for it.
    core.patch_namespaced_pod("fg-0", ns, {"metadata": {"finalizers": ["test/hold"]}})
    core.delete_namespaced_config_map("fg", ns, propagation_policy="Foreground")
    wait_for(lambda: [p.metadata.name for p in core.list_namespaced_pod(ns).items] == ["fg-0"],
             "the free dependent to go")
    held = core.read_namespaced_config_map("fg", ns)
    assert held.metadata.deletion_timestamp is not None
    assert "foregroundDeletion" in held.metadata.finalizers
    core.patch_namespaced_pod("fg-0", ns, {"metadata": {"finalizers": None}})
    wait_for(lambda: gone(lambda: core.read_namespaced_config_map("fg", ns)), "owner to go")
    assert core.list_namespaced_pod(ns).items == []


def test_orphan_propagation_keeps_dependents_without_owner(k8s):
    ns = _ns(client.CoreV1Api(k8s))
    core = _owner_with_pods(k8s, ns, "or")
    core.delete_namespaced_config_map("or", ns, propagation_policy="Orphan")
    wait_for(lambda: gone(lambda: core.read_namespaced_config_map("or", ns)), "owner to go")
    pods = core.list_namespaced_pod(ns).items
    assert sorted(p.metadata.name for p in pods) == ["or-0", "or-1"]
    assert all(not p.metadata.owner_references for p in pods)


def test_deleting_a_namespace_empties_it_then_removes_it(k8s):
    core = client.CoreV1Api(k8s)
    ns = _ns(core)
    core.create_namespaced_pod(ns, _pod("inside"))
    core.delete_namespace(ns)
    wait_for(lambda: gone(lambda: core.read_namespace(ns)), "namespace to go")
    try:
        core.create_namespaced_pod(ns, _pod("late"))
        raise AssertionError("created a pod in a deleted namespace")
    except ApiException as err:
        assert err.status == 404


def test_a_terminating_namespace_refuses_new_content(k8s):
    core = client.CoreV1Api(k8s)
    ns = _ns(core)
    core.create_namespaced_pod(ns, _pod("keep"))
    _bind(core, ns, "keep")
    core.patch_namespaced_pod("keep", ns, {"metadata": {"finalizers": ["test/hold"]}})
    core.delete_namespace(ns)
    assert core.read_namespace(ns).status.phase == "Terminating"
    try:
        core.create_namespaced_pod(ns, _pod("new"))
        raise AssertionError("created a pod in a terminating namespace")
    except ApiException as err:
        assert err.status == 403
    core.patch_namespaced_pod("keep", ns, {"metadata": {"finalizers": None}})
    wait_for(lambda: gone(lambda: core.read_namespace(ns)), "namespace to go")
