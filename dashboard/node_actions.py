"""Node actions behind the dashboard's buttons: drain, kill and revive.

Killing is a switch in the settings ConfigMap kube-system/kubelab-settings: simulated nodes
(label kubelab.io/simulated) are failed by the node simulator through `simulator.failedNodes`;
other nodes are listed under `nodes.killed`, which each Docker kubelet reads every lease
period: a killed node stops renewing its Lease and pauses its containers, a revived one
rejoins (cluster/kubelet/node_switch.py). Both go through the store.
"""
from __future__ import annotations

import json

from cluster import auth, store
from cluster.errors import AlreadyExists, ApiError, BadRequest, NotFound
from cluster.resources import by_kind
from cluster.selectors import parse_field_selector
from dashboard.actions import cordon

SETTINGS_NAMESPACE, SETTINGS_NAME = "kube-system", "kubelab-settings"
SIMULATED_KEY = "simulator.failedNodes"
DOCKER_KEY = "nodes.killed"
SIMULATED_LABEL = "kubelab.io/simulated"


def drain(principal: auth.Principal, name: str) -> dict:
    """Cordon, then delete every pod bound to the node (their controllers replace them)."""
    node = cordon(principal, name, True)
    fields = parse_field_selector(f"spec.nodeName={name}", by_kind("Pod").field_selectors)
    pods = [json.loads(b) for b in store.list_objects("Pod", None, field_selector=fields).items]
    deleted = 0
    for pod in pods:
        m = pod["metadata"]
        auth.authorize(principal, "delete", by_kind("Pod"), m["namespace"], m["name"])
        try:
            store.delete("Pod", m["namespace"], m["name"])
            deleted += 1
        except NotFound:
            pass  # gone meanwhile: that is what we wanted
    return {"ok": True, "evicted": deleted,
            "resourceVersion": node["metadata"].get("resourceVersion")}


def _key_for(name: str) -> str:
    node = store.get("Node", "", name)
    labels = node["metadata"].get("labels") or {}
    return SIMULATED_KEY if labels.get(SIMULATED_LABEL) == "true" else DOCKER_KEY


def _edit_list(key: str, name: str, present: bool) -> dict:
    def change(cm: dict) -> dict:
        data = cm.setdefault("data", {})
        names = [n.strip() for n in str(data.get(key, "")).split(",") if n.strip()]
        names = [n for n in names if n != name] + ([name] if present else [])
        data[key] = ",".join(names)
        return cm
    try:
        return store.mutate("ConfigMap", SETTINGS_NAMESPACE, SETTINGS_NAME, change)
    except NotFound:
        try:
            return store.create("ConfigMap", change({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": SETTINGS_NAME, "namespace": SETTINGS_NAMESPACE}}))
        except AlreadyExists:  # another click created it first: edit that one
            return store.mutate("ConfigMap", SETTINGS_NAMESPACE, SETTINGS_NAME, change)


def set_killed(principal: auth.Principal, name: str, killed: bool) -> dict:
    if not name:
        raise BadRequest("which node?")
    auth.authorize(principal, "patch", by_kind("Node"), "", name)
    auth.authorize(principal, "patch", by_kind("ConfigMap"), SETTINGS_NAMESPACE, SETTINGS_NAME)
    key = _key_for(name)
    cm = _edit_list(key, name, killed)
    return {"ok": True, "key": key, "simulated": key == SIMULATED_KEY,
            "resourceVersion": cm["metadata"].get("resourceVersion")}


def killed_nodes() -> set[str]:
    """Every node marked killed under either key (the map shows a Revive button for these)."""
    try:
        data = store.get("ConfigMap", SETTINGS_NAMESPACE, SETTINGS_NAME).get("data") or {}
    except ApiError:
        return set()
    return {n.strip() for key in (SIMULATED_KEY, DOCKER_KEY)
            for n in str(data.get(key, "")).split(",") if n.strip()}
