"""Building pods, nodes and snapshots for pure scheduler tests, and the over-commit check."""
from __future__ import annotations

from scheduler.framework import NodeInfo, PodInfo
from scheduler.snapshot import Snapshot


def pod(name: str = "p", cpu: str | None = None, memory: str | None = None, *,
        labels: dict | None = None, namespace: str = "default", **spec) -> dict:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
    container = {"name": "c", "image": "busybox",
                 **({"resources": {"requests": requests}} if requests else {})}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}",
                         "labels": labels or {}},
            "spec": {"containers": [container], **spec}, "status": {"phase": "Pending"}}


def node(name: str, cpu: str = "4", memory: str = "8Gi", pods: str = "110", *,
         labels: dict | None = None, taints: list | None = None,
         unschedulable: bool = False) -> dict:
    alloc = {"cpu": cpu, "memory": memory, "pods": pods}
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name,
                         "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
            "spec": {**({"taints": taints} if taints else {}),
                     **({"unschedulable": True} if unschedulable else {})},
            "status": {"capacity": alloc, "allocatable": alloc,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def info(obj: dict) -> PodInfo:
    return PodInfo.from_object(obj)


def node_info(obj: dict, *bound: dict) -> NodeInfo:
    n = NodeInfo.from_object(obj)
    for p in bound:
        n.add_pod(PodInfo.from_object({**p, "spec": {**p["spec"], "nodeName": n.name}}))
    return n


def snapshot(nodes: list[dict], bound: dict[str, list[dict]] | None = None) -> Snapshot:
    snap = Snapshot()
    for n in nodes:
        snap.set_node(n)
    for node_name, pods in (bound or {}).items():
        for p in pods:
            snap.set_pod({**p, "spec": {**p["spec"], "nodeName": node_name}})
    return snap


def assert_not_overcommitted(nodes: list[dict], pods: list[dict]) -> None:
    """Sum of requests on every node <= its allocatable (cpu, memory, pod count)."""
    infos = {n["metadata"]["name"]: NodeInfo.from_object(n) for n in nodes}
    for p in pods:
        name = (p.get("spec") or {}).get("nodeName")
        if name in infos and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
            infos[name].add_pod(PodInfo.from_object(p))
    for n in infos.values():
        assert n.requested.cpu <= n.allocatable.cpu, f"{n.name} cpu over-committed"
        assert n.requested.memory <= n.allocatable.memory, f"{n.name} memory over-committed"
        assert n.requested.pods <= n.allocatable.pods, f"{n.name} pods over-committed"
