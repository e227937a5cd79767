"""The node simulator: lifecycle rules (pure) and a simulated 3-node cluster end to end."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cluster.kubelet.simulator.fleet import FleetConfig, node_specs, parse_failed
from cluster.kubelet.simulator.lifecycle import EXIT_AFTER, EXIT_CODE, NEVER, SimPod
from cluster.kubelet.simulator.listener import node_of
from cluster.runner.config import BASE_DIR
from cluster.runner.harness import RunningCluster, running_cluster
from tests.cluster.rawhttp import request

BACKOFF = (1.0, 30.0)


# --- pure: lifecycle, fleet, listener -------------------------------------------
def _pod(policy: str = "Always", notes: dict | None = None, probe_delay: int = 0) -> dict:
    container: dict = {"name": "app", "image": "img"}
    if probe_delay:
        container["readinessProbe"] = {"initialDelaySeconds": probe_delay,
                                       "tcpSocket": {"port": 80}}
    return {"metadata": {"name": "p", "namespace": "default", "uid": "u1",
                         "annotations": notes or {}},
            "spec": {"nodeName": "node-1", "restartPolicy": policy,
                     "containers": [container]}, "status": {"phase": "Pending"}}


def test_a_new_pod_creates_then_runs_after_the_creating_delay() -> None:
    sim = SimPod.from_pod(_pod(), 100.0, 0.5, 1.0, BACKOFF)
    assert sim.advance(100.0) == 100.5
    assert sim.views(100.0)[0].reason == "ContainerCreating"
    assert sim.advance(100.5) == NEVER
    view = sim.views(100.5)[0]
    assert view.state == "running" and view.ready


def test_readiness_waits_for_the_probe_initial_delay() -> None:
    sim = SimPod.from_pod(_pod(probe_delay=3), 0.0, 0.5, 1.0, BACKOFF)
    sim.advance(0.5)
    assert not sim.views(1.0)[0].ready
    assert sim.advance(1.0) == 3.5
    assert sim.views(3.5)[0].ready


def test_a_crashing_container_backs_off_and_restarts_with_growing_delays() -> None:
    sim = SimPod.from_pod(_pod(notes={EXIT_AFTER: "1"}), 0.0, 0.0, 1.0, BACKOFF)
    sim.advance(0.0)
    assert sim.advance(1.0) == 2.0  # exited at 1, back-off 1 s
    view = sim.views(1.0)[0]
    assert view.reason == "CrashLoopBackOff" and view.restart_count == 1
    assert view.last_state["terminated"]["exitCode"] == 1
    sim.advance(2.0)  # running again, exits at 3, then back-off 2 s
    assert sim.advance(3.0) == 5.0
    assert sim.views(3.0)[0].restart_count == 2


def test_restart_policy_never_leaves_a_completed_container_terminated() -> None:
    sim = SimPod.from_pod(_pod("Never", {EXIT_AFTER: "1", EXIT_CODE: "0"}), 0.0, 0.0, 1.0,
                          BACKOFF)
    sim.advance(0.0)
    assert sim.advance(5.0) == NEVER
    view = sim.views(5.0)[0]
    assert view.state == "terminated" and view.reason == "Completed"
    assert view.restart_count == 0


def test_a_running_pod_adopted_from_its_status_needs_no_new_write() -> None:
    first = SimPod.from_pod(_pod(), 0.0, 0.0, 1.0, BACKOFF)
    first.advance(0.0)
    from cluster.kubelet.pod_status import pod_status
    stored = _pod()
    stored["status"] = pod_status(stored, first.views(0.0), now="2025-01-01T00:00:00Z")
    again = SimPod.from_pod(stored, 50.0, 0.5, 1.0, BACKOFF)
    assert again.advance(50.0) == NEVER
    assert again.signature(50.0) == first.signature(0.0)


def test_fleet_names_zones_and_failed_node_parsing() -> None:
    specs = node_specs(FleetConfig(count=4, prefix="node-", zones=3))
    assert [s.name for s in specs] == ["node-1", "node-2", "node-3", "node-4"]
    assert [s.zone for s in specs] == ["zone-a", "zone-b", "zone-c", "zone-a"]
    assert len({s.address for s in specs}) == 4
    mine = {"node-1", "node-2"}
    assert parse_failed("node-2, other-9", mine) == {"node-2"}
    assert parse_failed("*", mine) == mine


def test_listener_reads_the_node_of_a_pod_event_without_parsing() -> None:
    msg = ('{"rev":7,"type":"ADDED","kind":"Pod","ns":"d","name":"p","object":'
           '{"spec":{"nodeName":"node-2"},"status":{"nominatedNodeName":"x"}}}')
    assert node_of(msg) == "node-2"
    assert node_of(msg.replace('"kind":"Pod"', '"kind":"Service"')) is None


# --- end to end: a simulated cluster --------------------------------------------
@pytest.fixture(scope="module")
def sim_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    with running_cluster(tmp_path_factory.mktemp("sim"), nodes=3,
                         runtime="simulated") as server:
        yield server


def _poll(what: str, check: Callable[[], object], timeout: float = 20.0) -> object:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def _get(server: RunningCluster, path: str) -> dict | None:
    status, body = request(server, "GET", path)
    return body if status == 200 else None


def _ready(node: dict) -> str:
    return next(c["status"] for c in node["status"]["conditions"] if c["type"] == "Ready")


def _renew_time(server: RunningCluster, node: str) -> str:
    lease = _get(server, f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{node}")
    return lease["spec"]["renewTime"] if lease else ""


def _pod_manifest(name: str, node: str, **extra) -> dict:
    return {"metadata": {"name": name, **extra},
            "spec": {"nodeName": node, "terminationGracePeriodSeconds": 5,
                     "containers": [{"name": "app", "image": "kubelab/hello:1"}]}}


def _pod_path(name: str) -> str:
    return f"/api/v1/namespaces/default/pods/{name}"


def _running(server: RunningCluster, name: str) -> dict | None:
    pod = _get(server, _pod_path(name))
    return pod if pod and pod["status"].get("phase") == "Running" else None


def test_nodes_register_ready_and_their_leases_renew(sim_cluster: RunningCluster) -> None:
    nodes = _poll("3 Ready nodes", lambda: (lambda items: items if len(items) == 3 and all(
        _ready(n) == "True" for n in items) else None)(
        [n for n in _get(sim_cluster, "/api/v1/nodes")["items"]
         if n["metadata"]["name"].startswith("node-")]))
    node = nodes[0]
    assert node["metadata"]["labels"]["kubernetes.io/hostname"] == node["metadata"]["name"]
    assert "topology.kubernetes.io/zone" in node["metadata"]["labels"]
    assert node["status"]["capacity"]["pods"] == "110"
    assert node["status"]["nodeInfo"]["kubeletVersion"] == "v1.32.0-kubelab"
    first = _poll("a lease", lambda: _renew_time(sim_cluster, "node-1"))
    assert first.endswith("Z") and len(first.split(".")[1]) == 7  # 6 digits + Z
    _poll("the lease renewed", lambda: _renew_time(sim_cluster, "node-1") != first, 10)


def test_a_bound_pod_runs_and_the_official_client_reads_it(sim_cluster: RunningCluster) -> None:
    status, _ = request(sim_cluster, "POST", "/api/v1/namespaces/default/pods",
                        _pod_manifest("runs", "node-1"))
    assert status == 201
    _poll("pod Running", lambda: _running(sim_cluster, "runs"))
    from kubernetes import client, config
    api = client.CoreV1Api(config.new_client_from_config(str(sim_cluster.kubeconfig)))
    pod = api.read_namespaced_pod("runs", "default")
    cs = pod.status.container_statuses[0]
    assert cs.ready and cs.state.running.started_at is not None and cs.restart_count == 0
    assert pod.status.pod_ip and pod.status.host_ip
    ready = {c.type: c.status for c in pod.status.conditions}
    assert ready["Ready"] == "True" and ready["ContainersReady"] == "True"


def test_deleting_a_running_pod_makes_it_go_away(sim_cluster: RunningCluster) -> None:
    request(sim_cluster, "POST", "/api/v1/namespaces/default/pods",
            _pod_manifest("doomed", "node-2"))
    _poll("pod Running", lambda: _running(sim_cluster, "doomed"))
    status, body = request(sim_cluster, "DELETE", _pod_path("doomed"))
    assert status in (200, 202) and body["metadata"].get("deletionTimestamp")
    # Confirmed by the simulator well before the 5 s grace would let the sweeper do it.
    _poll("pod gone", lambda: request(sim_cluster, "GET", _pod_path("doomed"))[0] == 404, 4)


def test_a_crashing_pod_restarts(sim_cluster: RunningCluster) -> None:
    request(sim_cluster, "POST", "/api/v1/namespaces/default/pods",
            _pod_manifest("crashy", "node-3", annotations={EXIT_AFTER: "0.5"}))
    pod = _poll("a restart", lambda: (lambda p: p if p and p["status"].get(
        "containerStatuses") and p["status"]["containerStatuses"][0]["restartCount"] >= 1
        else None)(_get(sim_cluster, _pod_path("crashy"))))
    cs = pod["status"]["containerStatuses"][0]
    assert cs["lastState"]["terminated"]["exitCode"] == 1


def _set_failed(server: RunningCluster, names: str) -> None:
    path = "/api/v1/namespaces/kube-system/configmaps"
    body = {"metadata": {"name": "kubelab-settings"}, "data": {"simulator.failedNodes": names}}
    status, _ = request(server, "PUT", f"{path}/kubelab-settings", body)
    if status == 404:
        status, _ = request(server, "POST", path, body)
    assert status in (200, 201)


def test_a_failed_node_stops_renewing_and_a_revived_one_is_ready(
        sim_cluster: RunningCluster) -> None:
    _set_failed(sim_cluster, "node-3")
    _poll("node-3 Unknown", lambda: _ready(_get(sim_cluster, "/api/v1/nodes/node-3"))
          == "Unknown")
    frozen = _renew_time(sim_cluster, "node-3")
    other = _renew_time(sim_cluster, "node-1")
    _poll("node-1 renewed", lambda: _renew_time(sim_cluster, "node-1") != other, 10)
    other = _renew_time(sim_cluster, "node-1")
    _poll("node-1 renewed again", lambda: _renew_time(sim_cluster, "node-1") != other, 10)
    assert _renew_time(sim_cluster, "node-3") == frozen
    _set_failed(sim_cluster, "")
    _poll("node-3 Ready", lambda: _ready(_get(sim_cluster, "/api/v1/nodes/node-3")) == "True")
    _poll("node-3 renewing", lambda: _renew_time(sim_cluster, "node-3") != frozen, 10)


class _Simulator:
    """A `manage.py simulate-nodes` this test starts (and kills) itself."""

    def __init__(self, server: RunningCluster, prefix: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "simulate-nodes", "2", "--prefix", prefix],
            cwd=BASE_DIR, env=server.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.lines: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def ready_line(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if line.startswith("simulator ready"):
                return line
        raise AssertionError(f"simulator never got ready: {''.join(seen)[-2000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=15)


def test_a_killed_simulator_restarts_and_readopts_its_pods_without_redoing_them(
        sim_cluster: RunningCluster) -> None:
    first = _Simulator(sim_cluster, "again-")
    try:
        first.ready_line()
        request(sim_cluster, "POST", "/api/v1/namespaces/default/pods",
                _pod_manifest("kept", "again-1"))
        before = _poll("pod Running", lambda: _running(sim_cluster, "kept"))
    finally:
        first.kill()
    second = _Simulator(sim_cluster, "again-")
    try:
        assert "1 pods adopted" in second.ready_line()
        after = _get(sim_cluster, _pod_path("kept"))
        assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
        assert after["status"]["containerStatuses"] == before["status"]["containerStatuses"]
        request(sim_cluster, "DELETE", _pod_path("kept"))
        _poll("pod gone", lambda: request(sim_cluster, "GET", _pod_path("kept"))[0] == 404, 4)
    finally:
        assert second.kill(signal.SIGTERM) == 0  # SIGTERM: a clean exit


def test_node_processes_run_a_simulator_for_simulated_runtimes(tmp_path: Path) -> None:
    from cluster.runner.config import make_config
    from cluster.runner.processes import node_processes
    cfg = make_config(var_dir=tmp_path, port=1, api_port=2, wsgi_port=3, asgi_port=4, nodes=3,
                      runtime="simulated", base_env={"KUBELAB_SIMULATED_NODES": "1000"})
    procs = {p.name: p.argv for p in node_processes(cfg)}
    assert procs["simulator"][-4:] == ["simulate-nodes", "3", "--prefix", "node-"]
    assert procs["simulator-extra"][-4:] == ["simulate-nodes", "1000", "--prefix", "sim-"]
    assert os.path.basename(procs["simulator"][1]) == "manage.py"
