"""Endpoints controller: a Service's Endpoints list the addresses of the pods it selects.

Ready pods go in `addresses`, the others (with an IP, not terminating) in
`notReadyAddresses`; a named targetPort is looked up in each pod's containers, so pods
that name the port differently land in different subsets, as in Kubernetes.
"""
from __future__ import annotations

import json

from cluster import store
from cluster.controllers import podutil, runtime
from cluster.controllers.keys import split
from cluster.errors import AlreadyExists, NotFound
from cluster.models import Pod
from cluster.objects import loads
from cluster.selectors import label_selector_from_map


def reconcile(key: str) -> runtime.Outcome:
    namespace, name = split(key)
    try:
        svc = store.get("Service", namespace, name)
    except NotFound:
        _delete_endpoints(namespace, name)
        return runtime.Outcome(desired="no service")
    spec = svc.get("spec") or {}
    if not spec.get("selector") or spec.get("type") == "ExternalName":
        return runtime.Outcome(desired="unmanaged")  # Endpoints written by hand stay as they are
    selector = label_selector_from_map(spec["selector"])
    pods = [loads(body) for labels, body in
            Pod.objects.filter(namespace=namespace).values_list("labels", "body")
            if selector.matches(labels or {})]
    subsets = build_subsets(svc, pods)
    ready = sum(len(s.get("addresses") or []) for s in subsets)
    _write(svc, subsets)
    return runtime.Outcome(desired=len(pods), observed=ready)


def _resolve(port: dict, pod: dict) -> int | None:
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    for container in (pod.get("spec") or {}).get("containers") or []:
        for cport in container.get("ports") or []:
            if cport.get("name") == target and (cport.get("protocol") or "TCP") == \
                    (port.get("protocol") or "TCP"):
                return int(cport["containerPort"])
    return None


def build_subsets(svc: dict, pods: list[dict]) -> list[dict]:
    spec = svc.get("spec") or {}
    publish_all = bool(spec.get("publishNotReadyAddresses"))
    groups: dict[str, dict] = {}
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        ip = (pod.get("status") or {}).get("podIP")
        if not ip or pod["metadata"].get("deletionTimestamp"):
            continue
        ports = []
        for port in spec.get("ports") or []:
            number = _resolve(port, pod)
            if number is None:
                continue
            entry = {"port": number, "protocol": port.get("protocol") or "TCP"}
            if port.get("name"):
                entry["name"] = port["name"]
            ports.append(entry)
        address = {"ip": ip, "targetRef": {"kind": "Pod", "namespace": pod["metadata"][
            "namespace"], "name": pod["metadata"]["name"], "uid": pod["metadata"]["uid"]}}
        if (pod.get("spec") or {}).get("nodeName"):
            address["nodeName"] = pod["spec"]["nodeName"]
        group = groups.setdefault(json.dumps(ports, sort_keys=True), {"ports": ports})
        bucket = "addresses" if publish_all or podutil.is_ready(pod) else "notReadyAddresses"
        group.setdefault(bucket, []).append(address)
    subsets = []
    for _, group in sorted(groups.items()):
        if not group["ports"]:
            del group["ports"]
        subsets.append(group)
    return subsets


def _write(svc: dict, subsets: list[dict]) -> None:
    m = svc["metadata"]
    labels = dict(m.get("labels") or {})
    try:
        current = store.get("Endpoints", m["namespace"], m["name"])
    except NotFound:
        runtime.pace(f"create endpoints {m['name']}")
        try:
            store.create("Endpoints", {"apiVersion": "v1", "kind": "Endpoints",
                                       "metadata": {"name": m["name"],
                                                    "namespace": m["namespace"],
                                                    "labels": labels},
                                       "subsets": subsets})
            return
        except AlreadyExists:
            current = store.get("Endpoints", m["namespace"], m["name"])
    if (current.get("subsets") or []) == subsets and \
            (current["metadata"].get("labels") or {}) == labels:
        return

    def change(obj: dict) -> dict:
        obj["subsets"] = subsets
        obj["metadata"]["labels"] = labels
        return obj
    runtime.pace(f"update endpoints {m['name']}")
    store.mutate("Endpoints", m["namespace"], m["name"], change)


def _delete_endpoints(namespace: str, name: str) -> None:
    try:
        store.delete("Endpoints", namespace, name)
    except NotFound:
        pass
