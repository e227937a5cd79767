"""pods/log on a private Docker cluster: plain, tailLines, follow, kubectl, simulated nodes."""
# ruff: noqa: F811  (the fixtures imported below are parameters of the tests by name)
from __future__ import annotations

import queue
import subprocess
import threading

import pytest
import requests

from cluster.runner.services import docker_answers
from tests.conftest import kubectl_path
from tests.kubelet.test_docker_e2e import (  # noqa: F401  (fixtures used by name)
    cluster,
    core,
    make_pod,
    ns,
    running,
    wait_for,
)

pytestmark = pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")

TALKER = ("for i in 1 2 3 4 5; do echo line-$i; done; "
          "while :; do if [ -e /tmp/more ]; then echo more; rm /tmp/more; fi; sleep 0.2; done")


@pytest.fixture(scope="module")
def talker(core, ns) -> str:
    make_pod(core, ns, "talker", [{"name": "app", "image": "busybox",
                                   "command": ["sh", "-c", TALKER]}])
    wait_for(lambda: running(core, ns, "talker"), 30, "pod talker Running")
    wait_for(lambda: "line-5" in log_or_empty(core, ns, "talker"), 10,
             "the five lines logged")
    return "talker"


def log_or_empty(core, ns: str, pod: str) -> str:
    """The log, or "" while the container is still being created (a 400 then)."""
    from kubernetes.client.exceptions import ApiException

    try:
        return core.read_namespaced_pod_log(pod, ns)
    except ApiException:
        return ""


def _poke(core, ns: str, pod: str) -> None:
    cid = core.read_namespaced_pod(pod, ns).status.container_statuses[0].container_id
    subprocess.run(["docker", "exec", cid.removeprefix("docker://"), "touch", "/tmp/more"],
                   check=True, capture_output=True)


def test_it_returns_the_containers_stdout(core, ns, talker):
    text = core.read_namespaced_pod_log(talker, ns, container="app")
    assert text.splitlines()[:5] == [f"line-{i}" for i in range(1, 6)]


def test_it_honours_tail_lines_limit_bytes_and_timestamps(core, ns, talker):
    assert core.read_namespaced_pod_log(talker, ns, limit_bytes=4) == "line"
    assert core.read_namespaced_pod_log(talker, ns, tail_lines=2).splitlines() == [
        "line-4", "line-5"]
    stamped = core.read_namespaced_pod_log(talker, ns, tail_lines=1, timestamps=True)
    stamp, _, text = stamped.strip().partition(" ")
    assert text == "line-5" and stamp.endswith("Z") and "T" in stamp


def _last_line(core, ns: str, pod: str) -> str:
    return core.read_namespaced_pod_log(pod, ns).splitlines()[-1]


def test_follow_streams_a_new_line(core, ns, talker, cluster):
    last = _last_line(core, ns, talker)
    url = f"{cluster.url}/api/v1/namespaces/{ns}/pods/{talker}/log?follow=true&tailLines=1"
    lines: queue.Queue = queue.Queue()
    with requests.get(url, headers={"Authorization": f"Bearer {cluster.admin_token}"},
                      stream=True, timeout=(5, 30)) as resp:
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].startswith("text/plain")

        def read() -> None:
            try:
                for line in resp.iter_lines():
                    lines.put(line.decode())
            except Exception:  # noqa: BLE001  (closed at the end of the test)
                pass
        threading.Thread(target=read, daemon=True).start()
        assert lines.get(timeout=10) == last
        _poke(core, ns, talker)
        assert lines.get(timeout=10) == "more"


def test_a_pod_on_a_simulated_node_gets_a_clear_400(core, ns, cluster):
    core.create_node({"metadata": {"name": f"sim-logs-{ns}"}})
    try:
        make_pod(core, ns, "played", [{"name": "app", "image": "busybox"}],
                 node=f"sim-logs-{ns}")
        resp = requests.get(f"{cluster.url}/api/v1/namespaces/{ns}/pods/played/log",
                            headers={"Authorization": f"Bearer {cluster.admin_token}"},
                            timeout=10)
        assert resp.status_code == 400
        assert resp.json()["kind"] == "Status" and "simulated node" in resp.json()["message"]
    finally:
        core.delete_namespaced_pod("played", ns, grace_period_seconds=0)
        core.delete_node(f"sim-logs-{ns}")


@pytest.mark.skipif(kubectl_path() is None, reason="kubectl is not installed")
def test_kubectl_logs_and_logs_follow(core, ns, talker, cluster):
    base = [str(kubectl_path()), "--kubeconfig", str(cluster.kubeconfig), "-n", ns]
    done = subprocess.run([*base, "logs", talker, "--tail=2"], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == core.read_namespaced_pod_log(talker, ns).splitlines()[-2:]
    last = _last_line(core, ns, talker)
    proc = subprocess.Popen([*base, "logs", "-f", talker, "--tail=1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x.strip()) for x in proc.stdout],
                         daemon=True).start()
        assert lines.get(timeout=15) == last
        _poke(core, ns, talker)
        assert lines.get(timeout=10) == "more"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_previous_reads_the_container_before_the_restart(core, ns):
    make_pod(core, ns, "flaky", [{"name": "app", "image": "busybox",
                                  "command": ["sh", "-c", "echo attempt; sleep 1; exit 1"]}],
             node="node-3")

    def restarted():
        st = core.read_namespaced_pod("flaky", ns).status
        cs = (st.container_statuses or [None])[0]
        return cs if cs and cs.restart_count >= 1 else None
    wait_for(restarted, 30, "a restart")
    assert core.read_namespaced_pod_log("flaky", ns, previous=True) == "attempt\n"


def test_follow_ends_when_the_container_stops(core, ns, cluster):
    make_pod(core, ns, "brief", [{"name": "app", "image": "busybox",
                                  "command": ["sh", "-c", "echo a; sleep 2; echo b"]}],
             node="node-2", restartPolicy="Never")
    wait_for(lambda: "a" in log_or_empty(core, ns, "brief"), 30, "brief's first line")
    url = f"{cluster.url}/api/v1/namespaces/{ns}/pods/brief/log?follow=true"
    lines: queue.Queue = queue.Queue()
    with requests.get(url, headers={"Authorization": f"Bearer {cluster.admin_token}"},
                      stream=True, timeout=(5, 30)) as resp:
        def read() -> None:
            for line in resp.iter_lines():
                lines.put(line.decode())
            lines.put(None)  # the end of the stream
        threading.Thread(target=read, daemon=True).start()
        got = [lines.get(timeout=10)]
        while got[-1] is not None:
            got.append(lines.get(timeout=10))
    assert got == ["a", "b", None]
