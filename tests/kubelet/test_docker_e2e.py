"""Kubelets on the real Docker engine: a private 3-node cluster for this module."""
from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from cluster.runner.harness import DEFAULT_REDIS_URL, RunningCluster, running_cluster
from cluster.runner.services import docker_answers

pytestmark = pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")


def wait_for(check: Callable[[], object], timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}; last: {last!r}")


def cluster_containers(cluster: RunningCluster) -> list[str]:
    import docker

    client = docker.from_env()
    # Only this cluster's containers: the pods live in namespaces this module created.
    # The low-level list: no per-container inspect that races with removals.
    return [c["Names"][0] for c in client.api.containers(all=True,
                                                         filters={"label": "kubelab=1"})
            if (c.get("Labels") or {}).get("kubelab.pod.namespace", "").startswith(NS_PREFIX)]


NS_PREFIX = "kl5e2e-"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    var_dir = tmp_path_factory.mktemp("kubelet-docker")
    with running_cluster(var_dir, nodes=3, runtime="docker",
                         redis_url=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL) as c:
        yield c


@pytest.fixture(scope="module")
def core(cluster: RunningCluster):
    from kubernetes import client, config

    api_client = config.new_client_from_config(config_file=str(cluster.kubeconfig))
    yield client.CoreV1Api(api_client)
    api_client.close()


@pytest.fixture(scope="module")
def ns(core, cluster) -> Iterator[str]:
    name = f"{NS_PREFIX}{uuid.uuid4().hex[:6]}"
    core.create_namespace({"metadata": {"name": name}})
    yield name
    for pod in core.list_namespaced_pod(name).items:
        core.delete_namespaced_pod(pod.metadata.name, name, grace_period_seconds=0)
    wait_for(lambda: not core.list_namespaced_pod(name).items, 30, "pods deleted")
    wait_for(lambda: not cluster_containers(cluster), 30, "containers removed")


def make_pod(core, ns: str, name: str, containers: list[dict], node: str = "node-1",
             **spec) -> None:
    core.create_namespaced_pod(ns, {
        "metadata": {"name": name},
        "spec": {"nodeName": node, "terminationGracePeriodSeconds": 1,
                 "containers": containers, **spec}})


def status_of(core, ns: str, name: str):
    return core.read_namespaced_pod(name, ns).status


def running(core, ns: str, name: str):
    st = status_of(core, ns, name)
    return st if st.phase == "Running" and all(
        c.state.running for c in st.container_statuses or [None] if c) else None


def test_nodes_register_ready_with_docker_runtime(core):
    def ready_nodes():
        names = []
        for node in core.list_node().items:
            conds = {c.type: c.status for c in node.status.conditions or []}
            if conds.get("Ready") == "True" and \
                    node.status.node_info.container_runtime_version.startswith("docker://"):
                names.append(node.metadata.name)
        return sorted(names) == ["node-1", "node-2", "node-3"]
    wait_for(ready_nodes, 60, "3 docker nodes Ready")


def test_pod_runs_with_a_pause_container_and_reports_its_ip(core, ns, cluster):
    import docker

    make_pod(core, ns, "one", [{"name": "app", "image": "kubelab/hello:1"}])
    st = wait_for(lambda: running(core, ns, "one"), 30, "pod one Running")
    assert st.pod_ip and st.host_ip == "127.0.0.1"
    assert st.container_statuses[0].container_id.startswith("docker://")
    labels = [c.labels for c in docker.from_env().containers.list(
        filters={"label": ["kubelab=1", "kubelab.pod.name=one", f"kubelab.pod.namespace={ns}"]})]
    assert sorted(x["kubelab.container"] for x in labels) == ["POD", "app"]
    assert all(x["kubelab.node"] == "node-1" for x in labels)


def test_two_containers_share_localhost_and_an_empty_dir(core, ns):
    make_pod(core, ns, "pair", [
        {"name": "web", "image": "kubelab/hello:2",
         "volumeMounts": [{"name": "shared", "mountPath": "/shared"}]},
        {"name": "client", "image": "busybox", "command": ["sh", "-c"],
         "args": ["echo hi > /shared/note; while :; do "
                  "wget -qO /shared/answer http://127.0.0.1:8080/ && sleep 30; sleep 0.2; done"],
         "volumeMounts": [{"name": "shared", "mountPath": "/shared"}]},
    ], node="node-2", volumes=[{"name": "shared", "emptyDir": {}}])
    wait_for(lambda: running(core, ns, "pair"), 30, "pod pair Running")

    def answer():
        done = subprocess.run(["docker", "exec", _cid(core, ns, "pair", "web"), "cat",
                               "/shared/answer", "/shared/note"], capture_output=True, text=True)
        return done.stdout if "hello from kubelab/hello:2 pod=pair" in done.stdout else None
    out = wait_for(answer, 20, "the client's answer in the shared emptyDir")
    assert "hi" in out


def _cid(core, ns: str, pod: str, container: str) -> str:
    for cs in status_of(core, ns, pod).container_statuses:
        if cs.name == container:
            return cs.container_id.removeprefix("docker://")
    raise AssertionError(f"no container {container}")


def test_killed_container_restarts_within_two_seconds(core, ns):
    make_pod(core, ns, "victim", [{"name": "app", "image": "busybox",
                                   "command": ["sleep", "3600"]}], node="node-3")
    wait_for(lambda: running(core, ns, "victim"), 30, "pod victim Running")
    subprocess.run(["docker", "kill", _cid(core, ns, "victim", "app")], check=True,
                   capture_output=True)
    killed = time.monotonic()

    def restarted():
        st = running(core, ns, "victim")
        return st if st and st.container_statuses[0].restart_count == 1 else None
    st = wait_for(restarted, 10, "restartCount 1 and Running", every=0.05)
    assert time.monotonic() - killed <= 2.0
    assert st.container_statuses[0].last_state.terminated.exit_code == 137


def test_exit_1_goes_to_crash_loop_back_off(core, ns):
    make_pod(core, ns, "crash", [{"name": "app", "image": "busybox",
                                  "command": ["sh", "-c", "exit 1"]}])

    def backing_off():
        st = status_of(core, ns, "crash")
        cs = (st.container_statuses or [None])[0]
        return cs if cs and cs.state.waiting and \
            cs.state.waiting.reason == "CrashLoopBackOff" else None
    cs = wait_for(backing_off, 30, "CrashLoopBackOff")
    assert cs.restart_count >= 1
    assert cs.last_state.terminated.exit_code == 1


def test_missing_image_reports_err_image_pull_naming_offline_images(core, ns):
    make_pod(core, ns, "nopull", [{"name": "app", "image": "nginx:1.27"}])

    def waiting():
        cs = (status_of(core, ns, "nopull").container_statuses or [None])[0]
        return cs.state.waiting if cs and cs.state.waiting and \
            cs.state.waiting.reason in ("ErrImagePull", "ImagePullBackOff") else None
    w = wait_for(waiting, 30, "ErrImagePull")
    assert "kubelab/hello:1" in w.message


def test_deleted_pod_leaves_no_container(core, ns, cluster):
    make_pod(core, ns, "gone", [{"name": "app", "image": "busybox",
                                 "command": ["sleep", "3600"]}], node="node-2")
    wait_for(lambda: running(core, ns, "gone"), 30, "pod gone Running")
    core.delete_namespaced_pod("gone", ns)

    def removed():
        left = [n for n in cluster_containers(cluster) if "_gone_" in n]
        names = [p.metadata.name for p in core.list_namespaced_pod(ns).items]
        return not left and "gone" not in names
    wait_for(removed, 20, "pod and containers gone")


def test_failing_liveness_probe_restarts_and_readiness_gates_ready(core, ns):
    make_pod(core, ns, "probed", [{
        "name": "web", "image": "kubelab/hello:1",
        "readinessProbe": {"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 1},
        "livenessProbe": {"exec": {"command": ["sh", "-c", "test ! -e /tmp/sick"]},
                          "periodSeconds": 1, "failureThreshold": 1},
    }], node="node-3")

    def ready():
        st = status_of(core, ns, "probed")
        cs = (st.container_statuses or [None])[0]
        return cs if cs and cs.ready else None
    wait_for(ready, 20, "readiness probe passing")
    subprocess.run(["docker", "exec", _cid(core, ns, "probed", "web"), "touch", "/tmp/sick"],
                   check=True, capture_output=True)

    def restarted():
        cs = status_of(core, ns, "probed").container_statuses[0]
        return cs if cs.restart_count >= 1 and cs.state.running else None
    wait_for(restarted, 20, "liveness restart")


def _start_kubelet(cluster: RunningCluster, node: str) -> subprocess.Popen:
    import sys

    log = open(cluster.var_dir / f"kubelet-{node}.log", "a")  # noqa: SIM115
    return subprocess.Popen([sys.executable, "manage.py", "kubelet", node], env=cluster.env,
                            stdout=log, stderr=subprocess.STDOUT)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_restarted_kubelet_adopts_its_pods_and_removes_stale_containers(core, ns, cluster):
    import docker

    client = docker.from_env()
    proc = _start_kubelet(cluster, "node-9")
    try:
        make_pod(core, ns, "kept", [{"name": "app", "image": "busybox",
                                     "command": ["sleep", "3600"]}], node="node-9")
        wait_for(lambda: running(core, ns, "kept"), 60, "pod kept Running on node-9")
        before = _cid(core, ns, "kept", "app")
    finally:
        _stop(proc)
    assert client.containers.get(before).status == "running"  # a stopped kubelet kills nothing
    stale = client.containers.run(
        "kubelab/pause", detach=True, name=f"stale-{ns}",
        labels={"kubelab": "1", "kubelab.node": "node-9", "kubelab.pod.uid": "x",
                "kubelab.pod.namespace": ns, "kubelab.pod.name": "no-such-pod",
                "kubelab.container": "POD",
                "kubelab.cluster": client.containers.get(before).labels["kubelab.cluster"]})
    proc = _start_kubelet(cluster, "node-9")
    try:
        def stale_gone():
            return not client.api.containers(all=True, filters={"id": stale.id})
        wait_for(stale_gone, 30, "stale container removed")
        assert client.containers.get(before).status == "running"
        assert running(core, ns, "kept")
        assert _cid(core, ns, "kept", "app") == before
        core.delete_namespaced_pod("kept", ns)
        # Containers first: the kubelet confirms the deletion only after removing them
        # (the sweeper may drop the pod object earlier, once its grace period is over).
        wait_for(lambda: not [n for n in cluster_containers(cluster) if "_kept_" in n], 30,
                 "kept's containers removed")
    finally:
        _stop(proc)
