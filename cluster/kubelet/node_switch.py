"""The dashboard's "kill node" for Docker nodes: `nodes.killed` in kube-system/kubelab-settings.

A comma-separated list of node names (`*` = every Docker node). A kubelet whose node is
listed plays a lost machine until the name is removed:

- it stops renewing its Lease and writing anything (so the node lifecycle controller
  marks the node NotReady and evicts its pods, which come back on other nodes);
- it stops acting on its pods (no syncs, no probes, no restarts);
- its containers are frozen (`docker pause`): a lost machine runs nothing, and a frozen
  pod neither answers nor dies, the way an unreachable node looks from outside.

Reviving (the name removed) thaws the containers and re-registers the node; the usual
adoption then keeps the containers of pods still bound to the node and removes the rest
(the pods evicted meanwhile), exactly as after a kubelet restart.
Simulated nodes use `simulator.failedNodes` instead (see `simulator/fleet.py`).
"""
from __future__ import annotations

from cluster import store
from cluster.errors import NotFound

SETTINGS_NAMESPACE = "kube-system"
SETTINGS_NAME = "kubelab-settings"
KILLED_KEY = "nodes.killed"


def parse_killed(value: str, node: str) -> bool:
    """Whether `node` is named in a `nodes.killed` value (pure: easy to test)."""
    names = {n.strip() for n in (value or "").split(",") if n.strip()}
    return node in names or "*" in names


def is_killed(node: str) -> bool:
    """Read the switch (one small ConfigMap read; the kubelet asks every lease period)."""
    try:
        cm = store.get("ConfigMap", SETTINGS_NAMESPACE, SETTINGS_NAME)
    except NotFound:
        return False
    return parse_killed(str((cm.get("data") or {}).get(KILLED_KEY, "")), node)
