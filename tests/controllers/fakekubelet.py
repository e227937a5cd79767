"""A stand-in for the scheduler and the kubelets, over the HTTP API, for controller tests.

Until the node simulator and scheduler run in the test cluster, this thread plays them
for one namespace: it registers nodes with Leases and renews them, binds unbound pods
round-robin, reports bound pods Running and Ready (with an IP), and confirms
deletions as a kubelet does (DELETE with grace 0). Swap it for the simulator later.
"""
from __future__ import annotations

import itertools
import threading
import time
import uuid
from datetime import UTC, datetime

import requests


def now(micro: bool = False) -> str:
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ"
    return datetime.now(UTC).strftime(fmt)


class Api:
    """Just enough of a client: JSON in, JSON out, errors as status codes."""

    def __init__(self, server) -> None:
        self.base = server.url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {server.admin_token}"

    def call(self, method: str, path: str, body=None, patch: str = "") -> tuple[int, dict]:
        headers = {"Content-Type": f"application/{patch}+json" if patch else
                   "application/json"}
        r = self.session.request(method, self.base + path, json=body, headers=headers,
                                 timeout=10)
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, {}

    def pods(self, namespace: str) -> list[dict]:
        return self.call("GET", f"/api/v1/namespaces/{namespace}/pods")[1].get("items", [])


class FakeKubelet:
    def __init__(self, server, namespace: str, nodes: int = 2, ready_after: float = 0.0,
                 prefix: str = "") -> None:
        self.api = Api(server)
        self.namespace = namespace
        tag = prefix or f"fk-{uuid.uuid4().hex[:5]}"
        self.nodes = [f"{tag}-{i}" for i in range(nodes)]
        self.dead: set[str] = set()  # nodes that stopped renewing and acting
        self.ready_after = ready_after
        self._stop = threading.Event()
        self._rr = itertools.cycle(self.nodes)
        self._ips = itertools.count(2)
        self._seen: dict[str, float] = {}
        self._threads: list[threading.Thread] = []
        self.hold = False  # True: bind and run nothing (pods stay Pending)

    # --- lifecycle --------------------------------------------------------
    def __enter__(self) -> FakeKubelet:
        for node in self.nodes:
            self.api.call("POST", "/api/v1/nodes", {"metadata": {"name": node, "labels": {
                "kubernetes.io/hostname": node}}, "spec": {}})
            self.api.call("PATCH", f"/api/v1/nodes/{node}/status", {"status": {
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                "lastHeartbeatTime": now(), "lastTransitionTime": now()}],
                "allocatable": {"cpu": "64", "memory": "256Gi", "pods": "1000"},
                "capacity": {"cpu": "64", "memory": "256Gi", "pods": "1000"}}},
                patch="merge-patch")
            self.renew(node)
        for target in (self._pods_loop, self._lease_loop):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=5)
        for node in self.nodes:  # a node nobody plays must not attract pods
            self.api.call("DELETE", f"/api/v1/nodes/{node}")
            self.api.call("DELETE", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/"
                          f"leases/{node}")

    def renew(self, node: str) -> None:
        path = f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{node}"
        spec = {"holderIdentity": node, "leaseDurationSeconds": 40, "renewTime": now(True)}
        code, _ = self.api.call("PATCH", path, {"spec": spec}, patch="merge-patch")
        if code == 404:
            self.api.call("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/"
                          "leases", {"metadata": {"name": node}, "spec": spec})

    def _lease_loop(self) -> None:
        while not self._stop.wait(1.0):
            for node in self.nodes:
                if node not in self.dead:
                    self.renew(node)

    def _pods_loop(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.hold:
                    self.step()
            except requests.RequestException:
                pass
            self._stop.wait(0.05)

    # --- one pass -----------------------------------------------------------
    def step(self) -> None:
        ns = self.namespace
        alive = [n for n in self.nodes if n not in self.dead]
        for pod in self.api.pods(ns):
            m, spec = pod["metadata"], pod.get("spec") or {}
            name, node = m["name"], spec.get("nodeName")
            if m.get("deletionTimestamp"):
                if node in alive:
                    self.api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/{name}",
                                  {"gracePeriodSeconds": 0})
                continue
            if not node and alive:
                node = next(n for n in self._rr if n in alive)
                self.api.call("POST", f"/api/v1/namespaces/{ns}/pods/{name}/binding",
                              {"metadata": {"name": name},
                               "target": {"kind": "Node", "name": node}})
                self._seen[m["uid"]] = time.monotonic()
                continue
            if node not in alive or (pod.get("status") or {}).get("phase") == "Running":
                continue
            first = self._seen.setdefault(m["uid"], time.monotonic())
            if time.monotonic() - first >= self.ready_after:
                self.run_pod(pod, node)

    def run_pod(self, pod: dict, node: str) -> None:
        m = pod["metadata"]
        stamp = now()
        status = {"phase": "Running", "podIP": f"10.244.{self.nodes.index(node)}."
                                                f"{next(self._ips) % 250 + 2}",
                  "hostIP": "10.0.0.1", "startTime": stamp,
                  "conditions": [{"type": t, "status": "True", "lastProbeTime": None,
                                  "lastTransitionTime": stamp}
                                 for t in ("PodScheduled", "Initialized", "ContainersReady",
                                           "Ready")],
                  "containerStatuses": [{"name": c["name"], "image": c.get("image", ""),
                                         "imageID": "", "ready": True, "restartCount": 0,
                                         "started": True,
                                         "state": {"running": {"startedAt": stamp}}}
                                        for c in pod["spec"].get("containers") or []]}
        self.api.call("PATCH", f"/api/v1/namespaces/{m['namespace']}/pods/{m['name']}/status",
                      {"status": status}, patch="merge-patch")
