"""Docker runtime mechanics with a fake client that records calls (no engine needed)."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from cluster.kubelet import docker_runtime as dr
from cluster.kubelet.docker_pod import backoff_delay, docker_time
from cluster.kubelet.docker_queue import KeyQueue
from cluster.kubelet.docker_settings import KubeletSettings


class FakeContainer:
    def __init__(self, kw: dict) -> None:
        self.kw = kw
        self.id = f"id-{kw['name']}"
        self.name = kw["name"]
        self.labels = kw["labels"]
        self.status = "created"
        self.attrs = {"NetworkSettings": {"IPAddress": "172.17.0.9"}, "State": {}}

    def start(self) -> None:
        self.status = "running"

    def reload(self) -> None:
        pass


class FakeContainers:
    def __init__(self) -> None:
        self.created: list[dict] = []

    def create(self, **kw) -> FakeContainer:
        self.created.append(kw)
        return FakeContainer(kw)


class FakeClient:
    def __init__(self) -> None:
        self.containers = FakeContainers()


POD = {"metadata": {"name": "web-1", "namespace": "demo", "uid": "0123456789abcdef"},
       "spec": {"nodeName": "node-1", "volumes": [
           {"name": "data", "emptyDir": {}}, {"name": "host", "hostPath": {"path": "/etc"}}]}}


def cfg(tmp_path: Path) -> KubeletSettings:
    return KubeletSettings(pods_dir=tmp_path / "pods")


def test_every_container_is_labelled_with_pod_container_and_node(tmp_path):
    rt = dr.DockerRuntime(FakeClient(), "node-1", cfg(tmp_path))
    pause = rt.ensure_pause(POD, [])
    rt.start_app(POD, {"name": "app", "image": "busybox"}, pause, 2, [])
    pause_kw, app_kw = rt.client.containers.created
    assert pause_kw["labels"] == {"kubelab": "1", "kubelab.pod.uid": "0123456789abcdef",
                                  "kubelab.pod.namespace": "demo", "kubelab.pod.name": "web-1",
                                  "kubelab.container": "POD", "kubelab.node": "node-1",
                                  "kubelab.attempt": "0", "kubelab.cluster": "default"}
    assert app_kw["labels"]["kubelab.container"] == "app"
    assert app_kw["labels"]["kubelab.attempt"] == "2"
    assert pause_kw["hostname"] == "web-1"
    assert app_kw["network_mode"] == f"container:{pause.id}"


def test_app_container_gets_command_args_env_workdir_and_service_variables(tmp_path):
    services = [{"metadata": {"name": "redis-main"},
                 "spec": {"clusterIP": "10.96.0.7", "ports": [{"name": "tcp", "port": 6379}]}}]
    cspec = {"name": "app", "image": "busybox", "command": ["sh", "-c"], "args": ["echo $A"],
             "workingDir": "/tmp", "env": [{"name": "A", "value": "1"}, {
                 "name": "ME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}
    kw = dr.app_config(POD, cspec, "node-1", "pause", 0, services, cfg(tmp_path))
    assert kw["entrypoint"] == ["sh", "-c"] and kw["command"] == ["echo $A"]
    assert kw["working_dir"] == "/tmp"
    assert kw["environment"]["A"] == "1" and kw["environment"]["ME"] == "web-1"
    assert kw["environment"]["REDIS_MAIN_SERVICE_HOST"] == "10.96.0.7"
    assert kw["environment"]["REDIS_MAIN_SERVICE_PORT"] == "6379"
    assert kw["environment"]["REDIS_MAIN_SERVICE_PORT_TCP"] == "6379"


def test_resources_map_to_quota_shares_memory_and_hardening(tmp_path):
    cspec = {"name": "app", "image": "busybox", "resources": {
        "limits": {"cpu": "500m", "memory": "64Mi"}, "requests": {"cpu": "250m"}}}
    kw = dr.app_config(POD, cspec, "node-1", "p", 0, [], cfg(tmp_path))
    assert kw["nano_cpus"] == 500_000_000 and kw["cpu_shares"] == 256
    assert kw["mem_limit"] == 64 * 1024 * 1024 == kw["memswap_limit"]
    assert kw["pids_limit"] == 256
    assert kw["security_opt"] == ["no-new-privileges"] and kw["cap_drop"] == ["ALL"]
    assert "SYS_ADMIN" not in kw["cap_add"]


def test_memory_is_capped_by_default_when_no_limit_is_given(tmp_path):
    kw = dr.app_config(POD, {"name": "app", "image": "busybox"}, "node-1", "p", 0, [],
                       cfg(tmp_path))
    assert kw["mem_limit"] == KubeletSettings().default_memory_limit


def test_empty_dir_is_mounted_and_host_paths_never_are(tmp_path):
    cspec = {"name": "app", "image": "busybox", "volumeMounts": [
        {"name": "data", "mountPath": "/data"}, {"name": "host", "mountPath": "/host"}]}
    kw = dr.app_config(POD, cspec, "node-1", "p", 0, [], cfg(tmp_path))
    (host_dir, bind), = kw["volumes"].items()
    assert bind == {"bind": "/data", "mode": "rw"}
    assert Path(host_dir).is_dir() and str(tmp_path) in host_dir


def test_crash_loop_back_off_doubles_from_the_second_restart_up_to_the_cap():
    assert [backoff_delay(n, 2, 60) for n in range(7)] == [0, 2, 4, 8, 16, 32, 60]


def test_docker_times_become_rfc3339_seconds():
    assert docker_time("2026-11-27T15:41:23.662006439Z") == "2026-11-27T15:41:23Z"
    assert docker_time("0001-01-01T00:00:00Z") == ""


def test_key_queue_never_runs_one_pod_twice_at_once_and_reruns_after_a_change():
    running, seen, lock = set(), [], threading.Lock()
    overlap = []

    def handle(ns: str, name: str) -> None:
        with lock:
            if (ns, name) in running:
                overlap.append(name)
            running.add((ns, name))
        time.sleep(0.05)
        with lock:
            running.discard((ns, name))
            seen.append(name)

    q = KeyQueue(handle, workers=4)
    q.start()
    q.add("d", "a")
    time.sleep(0.01)
    for _ in range(5):
        q.add("d", "a")  # while running: collapses into one more run
    q.add("d", "b", delay=0.1)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and sorted(seen) != ["a", "a", "b"]:
        time.sleep(0.01)
    q.stop()
    assert sorted(seen) == ["a", "a", "b"] and not overlap
