"""pods/exec over the channel.k8s.io websocket: the Python client's stream and kubectl."""
# ruff: noqa: F811  (the fixtures imported below are parameters of the tests by name)
from __future__ import annotations

import subprocess

import pytest

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


@pytest.fixture(scope="module")
def shell(core, ns) -> str:
    make_pod(core, ns, "shell", [{"name": "app", "image": "busybox",
                                  "command": ["sleep", "3600"]}], node="node-2")
    wait_for(lambda: running(core, ns, "shell"), 30, "pod shell Running")
    return "shell"


@pytest.fixture()
def stream_core(cluster):
    # stream() swaps the client's request method while it runs: keep it off `core`.
    from kubernetes import client, config

    api_client = config.new_client_from_config(config_file=str(cluster.kubeconfig))
    yield client.CoreV1Api(api_client)
    api_client.close()


def test_python_client_stream_returns_echo_output(stream_core, ns, shell):
    from kubernetes.stream import stream

    out = stream(stream_core.connect_get_namespaced_pod_exec, shell, ns,
                 command=["echo", "hi"], stderr=True, stdin=False, stdout=True, tty=False)
    assert out == "hi\n"


def test_exit_code_and_stderr_reach_the_client(stream_core, ns, shell):
    from kubernetes.stream import stream

    resp = stream(stream_core.connect_get_namespaced_pod_exec, shell, ns,
                  command=["sh", "-c", "echo oops >&2; exit 3"], stderr=True, stdin=False,
                  stdout=True, tty=False, _preload_content=False)
    resp.run_forever(timeout=10)
    assert resp.read_stderr() == "oops\n"
    assert resp.returncode == 3


def test_stdin_reaches_the_command(stream_core, ns, shell):
    from kubernetes.stream import stream

    resp = stream(stream_core.connect_get_namespaced_pod_exec, shell, ns,
                  command=["head", "-c", "5"], stderr=True, stdin=True, stdout=True,
                  tty=False, _preload_content=False)
    resp.write_stdin("hello world")
    out = ""

    def got() -> bool:
        nonlocal out
        resp.update(timeout=0.2)
        out += resp.read_stdout() if resp.peek_stdout() else ""
        return out == "hello" or not resp.is_open()
    wait_for(got, 10, "head's output")
    resp.close()
    assert out == "hello"


@pytest.mark.skipif(kubectl_path() is None, reason="kubectl is not installed")
def test_kubectl_exec_echo_and_stdin(ns, shell, cluster):
    base = [str(kubectl_path()), "--kubeconfig", str(cluster.kubeconfig), "-n", ns]
    done = subprocess.run([*base, "exec", shell, "--", "echo", "hi"], capture_output=True,
                          text=True, timeout=30)
    if kubectl_minor() < 29:  # Debian 12's kubectl (1.20) speaks SPDY: a clear refusal
        assert done.returncode != 0 and "kubectl 1.29 and newer" in done.stderr, done.stderr
        return
    assert (done.returncode, done.stdout) == (0, "hi\n"), done.stderr
    done = subprocess.run([*base, "exec", "-i", shell, "--", "cat"], input="from stdin\n",
                          capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout) == (0, "from stdin\n"), done.stderr
    done = subprocess.run([*base, "exec", shell, "--", "sh", "-c", "exit 4"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 4, done.stderr


def kubectl_minor() -> int:
    """The installed kubectl's minor version (20 for Debian 12's kubernetes-client)."""
    import json

    done = subprocess.run([str(kubectl_path()), "version", "--client", "-o", "json"],
                          capture_output=True, text=True, timeout=30)
    minor = json.loads(done.stdout)["clientVersion"]["minor"]
    return int("".join(ch for ch in minor if ch.isdigit()))


def _ws_exec(cluster, ns: str, pod: str, command: str, **kw) -> tuple[bytes, dict]:
    """Raw v5 websocket exec: (stdout bytes, the final status)."""
    import json

    import websocket

    url = (cluster.url.replace("http://", "ws://") + f"/api/v1/namespaces/{ns}/pods/{pod}"
           f"/exec?command={command}&stdout=true&stderr=true")
    ws = websocket.create_connection(url, subprotocols=["v5.channel.k8s.io"], timeout=10, **kw)
    out, status = b"", {}
    try:
        while True:
            opcode, data = ws.recv_data()
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                break
            if data[:1] == b"\x01":
                out += data[1:]
            elif data[:1] == b"\x03":
                status = json.loads(data[1:])
    except websocket.WebSocketConnectionClosedException:
        pass
    finally:
        ws.close()
    return out, status


def test_no_token_gets_an_unauthorized_status(ns, shell, cluster):
    out, status = _ws_exec(cluster, ns, shell, "id", suppress_origin=True)
    assert out == b"" and status["status"] == "Failure" and status["code"] == 401


def test_the_dashboard_cookie_works_from_our_origin_only(ns, shell, cluster):
    import requests

    web = requests.Session()
    web.get(f"{cluster.url}/login", timeout=10)
    web.post(f"{cluster.url}/login", timeout=10, allow_redirects=False, data={
        "token": cluster.admin_token, "csrfmiddlewaretoken": web.cookies.get("csrftoken", "")})
    cookie = "; ".join(f"{k}={v}" for k, v in web.cookies.items())
    assert "kubelab_token" in cookie
    out, status = _ws_exec(cluster, ns, shell, "hostname", cookie=cookie, origin=cluster.url)
    assert (out, status["status"]) == (b"shell\n", "Success")
    out, status = _ws_exec(cluster, ns, shell, "hostname", cookie=cookie,
                           origin="http://evil.example")
    assert out == b"" and status["code"] == 401


def test_tty_gives_the_command_a_terminal(stream_core, ns, shell):
    from kubernetes.stream import stream

    out = stream(stream_core.connect_get_namespaced_pod_exec, shell, ns,
                 command=["sh", "-c", "test -t 1 && echo tty"], stderr=True, stdin=False,
                 stdout=True, tty=True)
    assert out.strip() == "tty"
