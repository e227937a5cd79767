"""End-to-end fixtures: a namespace and a set of fake Node objects per test (with a
Lease renewed far into the future, so the node lifecycle controller leaves them be),
removed afterwards; and the over-commit check every scheduling test ends with."""
from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.scheduler.helpers import assert_not_overcommitted
from tests.scheduler.helpers import node as node_body


class Cluster:
    def __init__(self, k8s) -> None:
        from kubernetes import client

        self.k8s = k8s
        self.core = client.CoreV1Api(k8s)
        self.leases = client.CoordinationV1Api(k8s)
        self.prefix = "s" + uuid.uuid4().hex[:6]
        self.namespace = self.prefix
        self.nodes: list[str] = []
        self.core.create_namespace({"metadata": {"name": self.namespace}})

    def add_node(self, suffix: str, **kw) -> str:
        name = f"{self.prefix}-{suffix}"
        self.core.create_node(node_body(name, **kw))
        body = node_body(name, **kw)
        self.core.patch_node_status(name, {"status": body["status"]})
        renew = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self.leases.create_namespaced_lease("kube-node-lease", {
            "metadata": {"name": name}, "spec": {"holderIdentity": name, "renewTime": renew,
                                                 "leaseDurationSeconds": 40}})
        self.nodes.append(name)
        return name

    def create_pod(self, body: dict) -> None:
        body["metadata"]["namespace"] = self.namespace
        body["metadata"].pop("uid", None)
        self.core.create_namespaced_pod(self.namespace, body)

    def pod(self, name: str) -> dict:
        return self.k8s.sanitize_for_serialization(
            self.core.read_namespaced_pod(name, self.namespace))

    def pods(self) -> list[dict]:
        return [self.k8s.sanitize_for_serialization(p)
                for p in self.core.list_namespaced_pod(self.namespace).items]

    def node_objects(self) -> list[dict]:
        return [self.k8s.sanitize_for_serialization(self.core.read_node(n))
                for n in self.nodes]

    def events(self, reason: str) -> list[dict]:
        return [self.k8s.sanitize_for_serialization(e)
                for e in self.core.list_namespaced_event(self.namespace).items
                if e.reason == reason]

    def wait(self, what, timeout: float = 30.0, message: str = ""):
        deadline = time.monotonic() + timeout
        while True:
            found = what()
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting: {message}")
            time.sleep(0.2)

    def wait_bound(self, names: list[str], timeout: float = 30.0) -> dict[str, str]:
        def bound():
            got = {p["metadata"]["name"]: p["spec"].get("nodeName") for p in self.pods()
                   if p["metadata"]["name"] in names}
            return got if len(got) == len(names) and all(got.values()) else None
        return self.wait(bound, timeout, f"pods {names} bound")

    def cleanup(self) -> None:
        for name in self.nodes:
            for call in (lambda n=name: self.core.delete_node(n),
                         lambda n=name: self.leases.delete_namespaced_lease(
                             n, "kube-node-lease")):
                try:
                    call()
                except Exception:  # noqa: BLE001  (best effort)
                    pass
        try:
            self.core.delete_namespace(self.namespace)
        except Exception:  # noqa: BLE001
            pass


@pytest.fixture(scope="session")
def scheduler_server(tmp_path_factory):
    """A cluster of our own with no nodes of its own (no kubelets, no simulator), so the
    node counts in messages are exactly the nodes a test creates."""
    import os

    from cluster.runner.harness import running_cluster
    from tests.conftest import _session

    var_dir = tmp_path_factory.mktemp("kubelab-scheduler")
    with running_cluster(var_dir, database_url=os.environ.get("DATABASE_URL"),
                         redis_url=str(_session.get("base_redis")), nodes=0,
                         runtime="simulated") as server:
        yield server


@pytest.fixture(scope="session")
def sched_k8s(scheduler_server):
    from kubernetes import config

    api = config.new_client_from_config(config_file=str(scheduler_server.kubeconfig))
    yield api
    api.close()


@pytest.fixture
def cluster(sched_k8s):
    k8s = sched_k8s
    c = Cluster(k8s)
    yield c
    try:
        assert_not_overcommitted(c.node_objects(), c.pods())
    finally:
        c.cleanup()
