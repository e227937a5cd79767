"""Failures on real Docker: a container over its memory limit, a SIGKILLed kubelet, and
the dashboard's "kill node" switch (`nodes.killed`), on a private 3-node cluster."""
# ruff: noqa: F811  (the fixtures imported below are parameters of the tests by name)
from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest

from cluster.kubelet.node_switch import (
    KILLED_KEY,
    SETTINGS_NAME,
    SETTINGS_NAMESPACE,
    parse_killed,
)
from cluster.runner.harness import RunningCluster
from cluster.runner.services import docker_answers
from tests.kubelet.test_docker_e2e import (  # noqa: F401  (fixtures used by name)
    cluster,
    core,
    make_pod,
    ns,
    status_of,
    wait_for,
)

LABELS = {"app": "hello"}
docker_only = pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")
# Lease grace (10 s) + eviction (5 s) + a new pod's start, on a busy 2-core machine.
MOVE_DEADLINE = 120


@docker_only
def test_exceeding_the_memory_limit_reports_oom_killed(core, ns):
    # The string doubles until the 16 MiB cgroup limit (swap = limit) makes the kernel kill it.
    make_pod(core, ns, "hog", [{
        "name": "app", "image": "busybox", "command": ["sh", "-c", "x=a; while :; do x=$x$x; done"],
        "resources": {"limits": {"memory": "16Mi"}}}], node="node-2")

    def oom_killed_twice():
        cs = (status_of(core, ns, "hog").container_statuses or [None])[0]
        last = cs and cs.last_state and cs.last_state.terminated
        return cs if last and last.reason == "OOMKilled" and cs.restart_count >= 2 else None
    cs = wait_for(oom_killed_twice, 60, "OOMKilled in lastState and 2 restarts")
    assert cs.last_state.terminated.exit_code == 137


@docker_only
def test_a_pod_that_may_not_restart_stays_terminated_oom_killed(core, ns):
    make_pod(core, ns, "hog-once", [{
        "name": "app", "image": "busybox", "command": ["sh", "-c", "x=a; while :; do x=$x$x; done"],
        "resources": {"limits": {"memory": "16Mi"}}}], node="node-3", restartPolicy="Never")

    def terminated():
        st = status_of(core, ns, "hog-once")
        cs = (st.container_statuses or [None])[0]
        return st if cs and cs.state.terminated else None
    st = wait_for(terminated, 60, "the container terminated")
    assert st.phase == "Failed"
    assert st.container_statuses[0].state.terminated.reason == "OOMKilled"
    assert st.container_statuses[0].restart_count == 0


# --- node loss ---------------------------------------------------------------
@pytest.fixture(scope="module")
def apps(cluster):
    from kubernetes import client, config

    api_client = config.new_client_from_config(config_file=str(cluster.kubeconfig))
    yield client.AppsV1Api(api_client)
    api_client.close()


@pytest.fixture(scope="module")
def node_port(core, apps, ns, cluster) -> Iterator[int]:
    apps.create_namespaced_deployment(ns, {
        "metadata": {"name": "hello"},
        "spec": {"replicas": 3, "selector": {"matchLabels": LABELS},
                 "template": {"metadata": {"labels": LABELS}, "spec": {
                     "terminationGracePeriodSeconds": 1,
                     "containers": [{"name": "web", "image": "kubelab/hello:1",
                                     "ports": [{"containerPort": 8080}],
                                     "readinessProbe": {"httpGet": {"path": "/", "port": 8080},
                                                        "periodSeconds": 1}}]}}}})
    svc = core.create_namespaced_service(ns, {
        "metadata": {"name": "hello"},
        "spec": {"type": "NodePort", "selector": LABELS,
                 "ports": [{"port": 80, "targetPort": 8080}]}})
    yield svc.spec.ports[0].node_port
    apps.delete_namespaced_deployment("hello", ns)
    wait_for(lambda: not [p for p in core.list_namespaced_pod(ns).items
                          if p.metadata.name.startswith("hello-")], 60, "hello pods gone")


def hello_pods(core, ns: str) -> list:
    return [p for p in core.list_namespaced_pod(ns).items if p.metadata.name.startswith("hello-")
            and not p.metadata.deletion_timestamp]


def all_ready_elsewhere(core, ns: str, dead: str, gone: set[str]):
    pods = hello_pods(core, ns)
    ready = [p for p in pods if p.status.phase == "Running" and
             all(c.ready for c in p.status.container_statuses or [None] if c)]
    names = {p.metadata.name for p in pods}
    return pods if len(ready) == 3 and not names & gone and \
        all(p.spec.node_name != dead for p in pods) else None


def ready_endpoints(core, ns: str) -> int:
    try:
        ep = core.read_namespaced_endpoints("hello", ns)
    except Exception:  # noqa: BLE001  (not written yet)
        return 0
    return sum(len(s.addresses or []) for s in ep.subsets or [])


def node_ready(core, name: str) -> str:
    node = core.read_node(name)
    return next((c.status for c in node.status.conditions or [] if c.type == "Ready"), "")


def containers_of(uids: set[str]) -> list[str]:
    import docker

    client = docker.from_env()
    return [c["Names"][0] for c in client.api.containers(all=True, filters={"label": "kubelab=1"})
            if (c.get("Labels") or {}).get("kubelab.pod.uid") in uids]


def container_states(uids: set[str]) -> set[str]:
    import docker

    client = docker.from_env()
    return {c["State"] for c in client.api.containers(all=True, filters={"label": "kubelab=1"})
            if (c.get("Labels") or {}).get("kubelab.pod.uid") in uids}


class Caller:
    """Asks the Service every 0.2 s in a thread; remembers when it did not answer."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.answers = 0
        self.failures: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Caller:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=3) as r:
                    ok = b"pod=hello-" in r.read()
            except OSError:
                ok = False
            if ok:
                self.answers += 1
            else:
                self.failures.append(time.monotonic())


def victim_node(core, ns: str) -> tuple[str, set[str], set[str]]:
    """The node of the first hello pod, and the names and uids of hello pods there."""
    pods = hello_pods(core, ns)
    node = sorted(pods, key=lambda p: p.metadata.name)[0].spec.node_name
    mine = [p for p in pods if p.spec.node_name == node]
    return node, {p.metadata.name for p in mine}, {p.metadata.uid for p in mine}


@docker_only
def test_a_sigkilled_kubelet_loses_its_node_and_its_pods_move(core, ns, node_port,
                                                              cluster: RunningCluster):
    wait_for(lambda: ready_endpoints(core, ns) == 3, 120, "3 ready endpoints")
    dead, names, uids = victim_node(core, ns)
    with Caller(node_port) as caller:
        cluster.kill_process(f"kubelet-{dead}")
        killed = time.monotonic()
        wait_for(lambda: node_ready(core, dead) == "Unknown", 60, f"{dead} NotReady")
        wait_for(lambda: all_ready_elsewhere(core, ns, dead, names), MOVE_DEADLINE,
                 "3 ready hello pods on the other nodes")
        wait_for(lambda: ready_endpoints(core, ns) == 3, 30, "3 ready endpoints again")
        # The stale pods' containers keep running (nobody is left on the node to stop them).
        assert containers_of(uids)
    assert caller.answers > 0
    # The killed node's containers answer until eviction; the proxy retries a refused
    # connection, so at most a moment of errors around the switch-over is allowed.
    assert len(caller.failures) <= 3, (len(caller.failures), caller.answers,
                                       [round(t - killed, 1) for t in caller.failures])

    cluster.restart_process(f"kubelet-{dead}")
    wait_for(lambda: node_ready(core, dead) == "True", 60, f"{dead} Ready again")
    wait_for(lambda: not containers_of(uids), 60, "the stale containers removed")
    assert all_ready_elsewhere(core, ns, dead, names)


def test_the_kill_switch_names_nodes_or_all_of_them():
    assert parse_killed(" node-2 ,node-3", "node-2")
    assert not parse_killed("node-22", "node-2") and not parse_killed("", "node-2")
    assert parse_killed("*", "node-1")


def set_killed(core, value: str) -> None:
    body = {"data": {KILLED_KEY: value}}
    try:
        core.patch_namespaced_config_map(SETTINGS_NAME, SETTINGS_NAMESPACE, body)
    except Exception:  # noqa: BLE001  (no settings ConfigMap yet)
        core.create_namespaced_config_map(SETTINGS_NAMESPACE, {
            "metadata": {"name": SETTINGS_NAME}, **body})


@docker_only
def test_killing_a_node_from_the_settings_freezes_it_until_revived(core, ns, node_port):
    wait_for(lambda: ready_endpoints(core, ns) == 3, 120, "3 ready endpoints")
    for name in ("node-1", "node-2", "node-3"):
        wait_for(lambda n=name: node_ready(core, n) == "True", 60, f"{name} Ready")
    dead, names, uids = victim_node(core, ns)
    set_killed(core, dead)
    try:
        wait_for(lambda: container_states(uids) == {"paused"}, 30,
                 f"{dead}'s containers frozen")
        wait_for(lambda: node_ready(core, dead) == "Unknown", 60, f"{dead} NotReady")
        wait_for(lambda: all_ready_elsewhere(core, ns, dead, names), MOVE_DEADLINE,
                 "3 ready hello pods on the other nodes")
        assert container_states(uids) == {"paused"}  # a dead node does nothing, not even clean
    finally:
        set_killed(core, "")
    wait_for(lambda: node_ready(core, dead) == "True", 60, f"{dead} Ready again")
    wait_for(lambda: not containers_of(uids), 60, "the evicted pods' containers removed")
    assert all_ready_elsewhere(core, ns, dead, names)
