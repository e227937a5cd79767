"""kube-proxy: a Deployment of 3 hello pods behind a NodePort Service, on real Docker."""
# ruff: noqa: F811  (the fixtures imported below are parameters of the tests by name)
from __future__ import annotations

import asyncio
import subprocess
import urllib.request

import pytest

from cluster.kubelet.proxy import node_port_table
from cluster.runner.services import docker_answers
from tests.kubelet.test_docker_e2e import (  # noqa: F401  (fixtures used by name)
    cluster,
    cluster_containers,
    core,
    ns,
    wait_for,
)

LABELS = {"app": "hello"}


def test_table_maps_node_ports_to_ready_addresses_only():
    svc = {"metadata": {"namespace": "a", "name": "web"},
           "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}}
    ep = {"subsets": [{"ports": [{"port": 8080, "protocol": "TCP"}],
                       "addresses": [{"ip": "10.0.0.2"}, {"ip": "10.0.0.1"}],
                       "notReadyAddresses": [{"ip": "10.0.0.3"}]}]}
    assert node_port_table([svc], {("a", "web"): ep}) == {
        30080: [("10.0.0.1", 8080), ("10.0.0.2", 8080)]}
    assert node_port_table([svc], {}) == {30080: []}


def test_a_refused_connection_is_retried_on_the_next_endpoint():
    from cluster.kubelet.proxy import Proxy
    from cluster.runner.harness import free_port

    async def scenario() -> list[bytes]:
        async def answer(reader, writer):
            writer.write(b"live")
            await writer.drain()
            writer.close()
        live = await asyncio.start_server(answer, "127.0.0.1", 0)
        live_port = live.sockets[0].getsockname()[1]
        node_port = free_port()
        proxy = Proxy(table={node_port: [("127.0.0.1", free_port()),
                                         ("127.0.0.1", live_port)]})
        await proxy._listen(node_port)
        got = []
        try:
            for _ in range(4):  # round robin starts on the dead one at least twice
                reader, writer = await asyncio.open_connection("127.0.0.1", node_port)
                got.append(await asyncio.wait_for(reader.read(), 5))
                writer.close()
        finally:
            await proxy.close()
            live.close()
        return got
    assert asyncio.run(scenario()) == [b"live"] * 4


docker_only = pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")


@pytest.fixture(scope="module")
def apps(cluster):
    from kubernetes import client, config

    api_client = config.new_client_from_config(config_file=str(cluster.kubeconfig))
    yield client.AppsV1Api(api_client)
    api_client.close()


@pytest.fixture(scope="module")
def node_port(core, apps, ns, cluster) -> int:
    apps.create_namespaced_deployment(ns, {
        "metadata": {"name": "hello"},
        "spec": {"replicas": 3, "selector": {"matchLabels": LABELS},
                 "template": {"metadata": {"labels": LABELS}, "spec": {
                     "terminationGracePeriodSeconds": 1,
                     "containers": [{
                         "name": "web", "image": "kubelab/hello:1",
                         "ports": [{"containerPort": 8080}],
                         "readinessProbe": {"exec": {"command": [
                             "sh", "-c", "test ! -e /tmp/unready"]}, "periodSeconds": 1}}]}}}})
    svc = core.create_namespaced_service(ns, {
        "metadata": {"name": "hello"},
        "spec": {"type": "NodePort", "selector": LABELS,
                 "ports": [{"port": 80, "targetPort": 8080}]}})
    yield svc.spec.ports[0].node_port
    apps.delete_namespaced_deployment("hello", ns)
    wait_for(lambda: not core.list_namespaced_pod(ns).items, 60, "the Deployment's pods gone")
    wait_for(lambda: not cluster_containers(cluster), 30, "containers removed")


def ready_addresses(core, ns: str) -> list[str]:
    try:
        ep = core.read_namespaced_endpoints("hello", ns)
    except Exception:  # noqa: BLE001  (not written yet)
        return []
    return [a.ip for s in ep.subsets or [] for a in s.addresses or []]


def ask(port: int) -> str:
    """The answering pod's name, or "" when the request failed."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3) as resp:
            text = resp.read().decode()
    except OSError:
        return ""
    return text.split("pod=")[1].split()[0] if "pod=" in text else ""


@docker_only
def test_thirty_requests_are_answered_by_three_pods(core, ns, node_port):
    wait_for(lambda: len(ready_addresses(core, ns)) == 3, 90, "3 ready endpoints")
    wait_for(lambda: ask(node_port), 10, "the proxy answering")
    pods = wait_for(lambda: (lambda seen: seen if len(seen) == 3 else None)(
        {ask(node_port) for _ in range(30)} - {""}), 10, "30 requests over 3 pods")
    names = {p.metadata.name for p in core.list_namespaced_pod(ns).items}
    assert pods <= names


@docker_only
def test_a_pod_that_stops_being_ready_leaves_the_rotation(core, ns, node_port):
    wait_for(lambda: len(ready_addresses(core, ns)) == 3, 90, "3 ready endpoints")
    victim = sorted(p.metadata.name for p in core.list_namespaced_pod(ns).items)[0]
    cid = core.read_namespaced_pod(victim, ns).status.container_statuses[0].container_id
    subprocess.run(["docker", "exec", cid.removeprefix("docker://"), "touch", "/tmp/unready"],
                   check=True, capture_output=True)
    wait_for(lambda: len(ready_addresses(core, ns)) == 2, 20, "the victim out of Endpoints")

    def rotation_without_victim():
        seen = {ask(node_port) for _ in range(12)} - {""}
        return seen if len(seen) == 2 and victim not in seen else None
    wait_for(rotation_without_victim, 5, "the proxy skipping the unready pod")
