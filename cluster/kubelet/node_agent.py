"""What every node agent tells the cluster about its node: registration, lease, readiness.

Shared by the Docker kubelet and the node simulator. Everything goes through the
store; the `*_nodes`/`renew_leases` forms batch many nodes into few transactions,
which is what lets one process play a thousand nodes.

Node heartbeats follow Kubernetes: the Lease in `kube-node-lease` is renewed often
and cheaply; the Node's status is written when something changes (registration,
Ready flips), not on every beat.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from cluster import store, store_batch
from cluster.errors import AlreadyExists, NotFound
from cluster.kubelet.batch import run_batch
from cluster.objects import format_time

LEASE_NAMESPACE = "kube-node-lease"
KUBELET_VERSION = "v1.32.0-kubelab"
DEFAULT_LEASE_SECONDS = 40  # Kubernetes' default nodeLeaseDurationSeconds
ZONE_LABEL = "topology.kubernetes.io/zone"
HOSTNAME_LABEL = "kubernetes.io/hostname"
PRESSURE_CONDITIONS = (
    ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
)


@dataclass
class NodeSpec:
    """What a node agent knows about its node when it registers it."""

    name: str
    cpu: str = "4"
    memory: str = "16Gi"
    pods: int = 110
    zone: str = "zone-a"
    address: str = "127.0.0.1"
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[dict] = field(default_factory=list)
    node_info: dict[str, str] = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)  # [{"names": [...], "sizeBytes": n}]
    pod_cidr: str = ""


def _now() -> str:
    return format_time(timezone.now())


def _node_info(extra: Mapping[str, str]) -> dict[str, str]:
    info = {
        "machineID": "", "systemUUID": "", "bootID": "",
        "kernelVersion": "", "osImage": "kubelab", "containerRuntimeVersion": "none://0",
        "kubeletVersion": KUBELET_VERSION, "kubeProxyVersion": KUBELET_VERSION,
        "operatingSystem": "linux", "architecture": "amd64",
    }
    info.update(extra)
    return info


def ready_condition(ready: bool, reason: str = "", message: str = "",
                    status: str | None = None) -> dict:
    """The Ready condition as a kubelet reports it (`status` may force "Unknown")."""
    value = status or ("True" if ready else "False")
    return {"type": "Ready", "status": value,
            "reason": reason or ("KubeletReady" if ready else "KubeletNotReady"),
            "message": message or ("kubelet is posting ready status" if ready
                                   else "kubelet is not ready")}


def node_status(spec: NodeSpec, now: str, ready: bool = True) -> dict:
    """A full Node status for a freshly (re-)registered node."""
    capacity = {"cpu": str(spec.cpu), "memory": str(spec.memory), "pods": str(spec.pods),
                "ephemeral-storage": "100Gi"}
    conditions = [{"type": t, "status": "False", "reason": reason, "message": message,
                   "lastHeartbeatTime": now, "lastTransitionTime": now}
                  for t, reason, message in PRESSURE_CONDITIONS]
    conditions.append({**ready_condition(ready), "lastHeartbeatTime": now,
                       "lastTransitionTime": now})
    return {
        "capacity": capacity,
        "allocatable": dict(capacity),
        "conditions": conditions,
        "addresses": [{"type": "InternalIP", "address": spec.address},
                      {"type": "Hostname", "address": spec.name}],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": _node_info(spec.node_info),
        "images": list(spec.images),
    }


def node_labels(spec: NodeSpec) -> dict[str, str]:
    labels = {"kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux",
              "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
              HOSTNAME_LABEL: spec.name, ZONE_LABEL: spec.zone}
    labels.update(spec.labels)
    return labels


def node_object(spec: NodeSpec, now: str | None = None) -> dict:
    """The Node as first created (spec, labels and a full status)."""
    now = now or _now()
    node_spec: dict = {"taints": copy.deepcopy(spec.taints)} if spec.taints else {}
    if spec.pod_cidr:
        node_spec.update(podCIDR=spec.pod_cidr, podCIDRs=[spec.pod_cidr])
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": spec.name, "labels": node_labels(spec),
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
            "spec": node_spec, "status": node_status(spec, now)}


def _register_ops(spec: NodeSpec, now: str) -> list:
    """Create the node; if it exists, refresh labels/taints and then its status."""

    def create_or_update() -> dict:
        try:
            return store.create("Node", node_object(spec, now))
        except AlreadyExists:  # re-registration after a restart: refresh what we own
            pass

        def refresh(node: dict) -> dict:
            node["metadata"].setdefault("labels", {}).update(node_labels(spec))
            s = node.setdefault("spec", {})
            if spec.taints:
                s["taints"] = copy.deepcopy(spec.taints)
            if spec.pod_cidr:
                s.update(podCIDR=spec.pod_cidr, podCIDRs=[spec.pod_cidr])
            return node
        store.mutate("Node", "", spec.name, refresh)
        return store.mutate("Node", "", spec.name,
                            lambda node: {**node, "status": node_status(spec, now)},
                            subresource="status")
    return [create_or_update]


def register_node(name: str, *, cpu: str = "4", memory: str = "16Gi", pods: int = 110,
                  labels: Mapping[str, str] | None = None, taints: list[dict] | None = None,
                  node_info: Mapping[str, str] | None = None, images: list[dict] | None = None,
                  zone: str = "zone-a", address: str = "127.0.0.1", pod_cidr: str = "",
                  ) -> dict:
    """Create or update the Node `name`, Ready, with capacity = allocatable. Returns it."""
    spec = NodeSpec(name, str(cpu), str(memory), int(pods), zone, address, dict(labels or {}),
                    list(taints or []), dict(node_info or {}), list(images or []), pod_cidr)
    return register_nodes([spec])[0]


def register_nodes(specs: Iterable[NodeSpec], batch_size: int = 100) -> list[dict]:
    """Register many nodes, `batch_size` per transaction. Returns the stored Nodes."""
    now = _now()
    ops = [op for spec in specs for op in _register_ops(spec, now)]
    return run_batch(ops, size=batch_size)


def lease_object(name: str, holder: str, duration: int, now_micro: str) -> dict:
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": name, "namespace": LEASE_NAMESPACE},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": duration,
                     "acquireTime": now_micro, "renewTime": now_micro,
                     "leaseTransitions": 0}}


def _renew_change(holder: str, duration: int, now_micro: str):
    def change(lease: dict) -> dict:
        spec = lease.setdefault("spec", {})
        if spec.get("holderIdentity") != holder:
            spec["leaseTransitions"] = int(spec.get("leaseTransitions") or 0) + 1
            spec["acquireTime"] = now_micro
        spec.update(holderIdentity=holder, leaseDurationSeconds=duration,
                    renewTime=now_micro)
        return lease
    return change


def _renew_op(name: str, holder: str, duration: int, now_micro: str):
    """Renew one Lease, creating it when missing (a node's first heartbeat)."""
    return lambda: store.mutate(
        "Lease", LEASE_NAMESPACE, name, _renew_change(holder, duration, now_micro),
        create_missing=lambda: lease_object(name, holder, duration, now_micro))


def renew_lease(name: str, holder: str | None = None,
                duration: int = DEFAULT_LEASE_SECONDS) -> dict:
    """Renew (or create) the node's Lease: the cheap heartbeat the node controller reads."""
    return renew_leases([name], holder, duration)[0]


def renew_leases(names: Iterable[str], holder: str | None = None,
                 duration: int = DEFAULT_LEASE_SECONDS, batch_size: int = 200) -> list[dict]:
    """Renew many nodes' Leases in few transactions. `holder` defaults to the node name."""
    now_micro = format_time(timezone.now(), micro=True)
    names = list(names)
    renewed: list[dict | None] = []
    # Renewals are most of a big fleet's writes: each batch is one UPDATE run for every
    # row and one INSERT of the watch events (store_batch), not a savepoint per lease.
    for at in range(0, len(names), batch_size):
        chunk = names[at:at + batch_size]
        results = store_batch.mutate_many("Lease", [
            (LEASE_NAMESPACE, n, _renew_change(holder or n, duration, now_micro))
            for n in chunk])
        renewed += [r if isinstance(r, dict) else None for r in results]
    missing = [i for i, r in enumerate(renewed) if r is None]
    if missing:  # a first heartbeat creates the Lease, one at a time (rare)
        made = run_batch([_renew_op(names[i], holder or names[i], duration, now_micro)
                          for i in missing], size=batch_size)
        for i, lease in zip(missing, made, strict=True):
            renewed[i] = lease
    return renewed


def _ready_op(name: str, ready: bool, reason: str, message: str, status: str | None):
    def change(node: dict) -> dict:
        now = _now()
        conds = node.setdefault("status", {}).setdefault("conditions", [])
        new = ready_condition(ready, reason, message, status)
        for cond in conds:
            if cond.get("type") == "Ready":
                if cond.get("status") != new["status"]:
                    cond["lastTransitionTime"] = now
                cond.update(new, lastHeartbeatTime=now)
                break
        else:
            conds.append({**new, "lastHeartbeatTime": now, "lastTransitionTime": now})
        return node
    return lambda: store.mutate("Node", "", name, change, subresource="status")


def set_node_ready(name: str, ready: bool, reason: str = "", message: str = "",
                   status: str | None = None) -> dict:
    """Flip the node's Ready condition (status "Unknown" when `status` says so)."""
    result = set_nodes_ready([name], ready, reason, message, status)[0]
    if result is None:
        raise NotFound(f'nodes "{name}" not found', kind="nodes", name=name)
    return result


def set_nodes_ready(names: Iterable[str], ready: bool, reason: str = "", message: str = "",
                    status: str | None = None) -> list[dict | None]:
    """Batched `set_node_ready`; a missing node gives None."""
    return run_batch([_ready_op(n, ready, reason, message, status) for n in names])
