"""Helpers for the dashboard tests: API calls with a token, objects to create, screenshots."""
from __future__ import annotations

import struct
import uuid
import zlib
from pathlib import Path

import requests

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "dashboard"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class Api:
    """Plain HTTP calls to the test cluster's API with one token."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict | None = None, **params) -> dict:
        resp = self.http.request(method, self.url + path, json=body, params=params or None,
                                 timeout=10)
        assert resp.status_code < 300, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json()

    def namespace(self, prefix: str = "t") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:6]}"
        self.call("POST", "/api/v1/namespaces", {"metadata": {"name": name}})
        return name

    def node(self, name: str, zone: str = "zone-a", cpu: str = "4",
             memory: str = "8Gi") -> dict:
        return self.call("POST", "/api/v1/nodes", node_body(name, zone, cpu, memory))

    def private_node(self, name: str, zone: str = "zone-a", cpu: str = "4") -> dict:
        """A node the scheduler places nothing on (tainted), so its bars are the test's own."""
        body = node_body(name, zone, cpu, "8Gi")
        body["spec"] = {"taints": [{"key": "kubelab.io/test", "value": "private",
                                    "effect": "NoSchedule"}]}
        return self.call("POST", "/api/v1/nodes", body)

    def pod(self, ns: str, name: str, labels: dict, node: str = "", **extra) -> dict:
        return self.call("POST", f"/api/v1/namespaces/{ns}/pods",
                         pod_body(name, labels, node, **extra))


def node_body(name: str, zone: str, cpu: str, memory: str) -> dict:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"topology.kubernetes.io/zone": zone,
                                                   "kubernetes.io/hostname": name}},
            "status": {"capacity": {"cpu": cpu, "memory": memory, "pods": "110"},
                       "allocatable": {"cpu": cpu, "memory": memory, "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True",
                                       "reason": "KubeletReady"}]}}


def pod_body(name: str, labels: dict, node: str = "", owner: dict | None = None,
             node_selector: dict | None = None) -> dict:
    spec: dict = {"containers": [{"name": "app", "image": "busybox",
                                  "resources": {"requests": {"cpu": "250m",
                                                             "memory": "128Mi"}}}]}
    if node:
        spec["nodeName"] = node
    if node_selector:
        spec["nodeSelector"] = node_selector
    meta: dict = {"name": name, "labels": labels}
    if owner:
        meta["ownerReferences"] = [owner]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def deployment_body(name: str, labels: dict, replicas: int = 1) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "app",
                                                           "image": "busybox"}]}}}}


def png_is_blank(data: bytes) -> bool:
    """True when a PNG has (almost) one colour: few distinct bytes once inflated."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat))) < 16


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    data = page.screenshot(path=str(path), full_page=True)
    assert not png_is_blank(data), f"screenshot {path} is blank"
    return path
