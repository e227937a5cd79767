"""ClusterIP Services from inside pods: the Service variables the kubelet injects lead
through kube-proxy (listening on the Docker network's gateway) to the ready endpoints."""
# ruff: noqa: F811  (the fixtures imported below are parameters of the tests by name)
from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from cluster.kubelet.cluster_ports import Reach, service_key
from cluster.kubelet.docker_runtime import service_env
from cluster.kubelet.proxy import cluster_port_table
from cluster.runner.services import docker_answers
from tests.kubelet.test_docker_e2e import (  # noqa: F401  (fixtures used by name)
    cluster,
    core,
    make_pod,
    ns,
    running,
    wait_for,
)

LABELS = {"app": "hello"}
docker_only = pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")
SVC = {"metadata": {"namespace": "a", "name": "web-main"},
       "spec": {"clusterIP": "10.96.0.7", "ports": [{"name": "http", "port": 80}]}}


def test_table_has_every_tcp_port_of_services_with_a_cluster_ip():
    headless = {"metadata": {"namespace": "a", "name": "db"},
                "spec": {"clusterIP": "None", "ports": [{"port": 5432}]}}
    ep = {"subsets": [{"ports": [{"name": "http", "port": 8080}],
                       "addresses": [{"ip": "10.0.0.2"}],
                       "notReadyAddresses": [{"ip": "10.0.0.3"}]}]}
    assert cluster_port_table([SVC, headless], {("a", "web-main"): ep}) == {
        "a/web-main:80": [("10.0.0.2", 8080)]}


def test_service_variables_name_the_proxy_when_it_serves_the_service():
    reach = Reach("172.17.0.1", {service_key("a", "web-main", 80): 41234})
    env = service_env([SVC], reach)
    assert env["WEB_MAIN_SERVICE_HOST"] == "172.17.0.1"
    assert env["WEB_MAIN_SERVICE_PORT"] == env["WEB_MAIN_SERVICE_PORT_HTTP"] == "41234"
    assert env["WEB_MAIN_PORT"] == env["WEB_MAIN_PORT_80_TCP"] == "tcp://172.17.0.1:41234"
    assert env["WEB_MAIN_PORT_80_TCP_ADDR"] == "172.17.0.1"
    # Not picked up by the proxy yet: the clusterIP, as Kubernetes would write it.
    assert service_env([SVC], Reach("172.17.0.1", {}))["WEB_MAIN_SERVICE_HOST"] == "10.96.0.7"


@pytest.fixture(scope="module")
def apps(cluster):
    from kubernetes import client, config

    api_client = config.new_client_from_config(config_file=str(cluster.kubeconfig))
    yield client.AppsV1Api(api_client)
    api_client.close()


@pytest.fixture(scope="module")
def hello(core, apps, ns, cluster) -> Iterator[str]:
    """Two hello pods behind the ClusterIP Service `hello`; yields its clusterIP."""
    apps.create_namespaced_deployment(ns, {
        "metadata": {"name": "hello"},
        "spec": {"replicas": 2, "selector": {"matchLabels": LABELS},
                 "template": {"metadata": {"labels": LABELS}, "spec": {
                     "terminationGracePeriodSeconds": 1,
                     "containers": [{"name": "web", "image": "kubelab/hello:1",
                                     "ports": [{"containerPort": 8080}]}]}}}})
    svc = core.create_namespaced_service(ns, {
        "metadata": {"name": "hello"},
        "spec": {"selector": LABELS, "ports": [{"port": 80, "targetPort": 8080}]}})
    yield svc.spec.cluster_ip
    apps.delete_namespaced_deployment("hello", ns)
    wait_for(lambda: not [p for p in core.list_namespaced_pod(ns).items
                          if p.metadata.name.startswith("hello-")], 60, "hello pods gone")


def ready_endpoints(core, ns: str) -> int:
    try:
        ep = core.read_namespaced_endpoints("hello", ns)
    except Exception:  # noqa: BLE001  (not written yet)
        return 0
    return sum(len(s.addresses or []) for s in ep.subsets or [])


@docker_only
def test_a_pod_reaches_a_cluster_ip_service_by_its_variables(core, ns, hello):
    import docker

    assert ipaddress.ip_address(hello) in ipaddress.ip_network("10.96.0.0/12")
    wait_for(lambda: ready_endpoints(core, ns) == 2, 90, "2 ready endpoints")
    make_pod(core, ns, "client", [{"name": "sh", "image": "busybox",
                                   "command": ["sleep", "3600"]}])
    st = wait_for(lambda: running(core, ns, "client"), 60, "the client pod Running")
    container = docker.from_env().containers.get(
        st.container_statuses[0].container_id.removeprefix("docker://"))
    env = dict(e.split("=", 1) for e in container.attrs["Config"]["Env"])
    # The API keeps the clusterIP; the pod is given the proxy's address on its network.
    assert env["HELLO_SERVICE_HOST"] != hello
    assert env["HELLO_PORT_80_TCP_ADDR"] == env["HELLO_SERVICE_HOST"]

    def answers() -> set[str] | None:
        # `timeout`, not wget's -T: busybox-static's wget crashes with -T.
        done = container.exec_run(["sh", "-c", "for i in 1 2 3 4 5 6; do timeout 5 wget -qO- "
                                   "http://$HELLO_SERVICE_HOST:$HELLO_SERVICE_PORT/; done"])
        text = done.output.decode(errors="replace")
        pods = {w.removeprefix("pod=") for w in text.split() if w.startswith("pod=")}
        return pods if len(pods) == 2 else None
    pods = wait_for(answers, 30, "answers from both hello pods", every=0.5)
    assert all(p.startswith("hello-") for p in pods)
