"""End to end: `manage.py up` gets ready, serves kubectl, and stops without leftovers."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cluster.runner.config import BASE_DIR
from cluster.runner.harness import DEFAULT_REDIS_URL, free_port
from cluster.runner.proctree import descendants, still_alive
from cluster.runner.redis_lease import claim_redis_db
from tests.conftest import _session, kubectl_path

READY_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0


def _reader(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def wait_for_line(lines: queue.Queue, prefix: str, timeout: float, seen: list[str]) -> str | None:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            return None
        if line is None:  # the process closed its output: it is gone
            return None
        seen.append(line)
        if line.startswith(prefix):
            return line
    return None


@pytest.fixture
def up_env(tmp_path: Path):
    lease = claim_redis_db(str(_session.get("base_redis", DEFAULT_REDIS_URL)))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({
        "PORT": str(free_port()),
        "KUBELAB_API_PORT": str(free_port()),
        "KUBELAB_WSGI_PORT": str(free_port()),
        "KUBELAB_ASGI_PORT": str(free_port()),
        "KUBELAB_VAR_DIR": str(tmp_path / "var"),
        "KUBELAB_RUNTIME": "simulated",
        "KUBELAB_NODES": "0",
        "REDIS_URL": lease.url,
        "KUBELAB_EVENTS_CHANNEL": f"kubelab:test-up:{os.getpid()}",
        "PYTHONUNBUFFERED": "1",
    })
    yield env
    lease.release()


def test_up_gets_ready_serves_kubectl_and_stops_cleanly(up_env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "up"], cwd=BASE_DIR, env=up_env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        ready = wait_for_line(lines, "kubelab ready:", READY_TIMEOUT, seen)
        assert ready, "no ready line; output:\n" + "".join(seen[-60:])
        port = up_env["PORT"]
        kubeconfig = Path(up_env["KUBELAB_VAR_DIR"]) / "kubeconfig"
        assert ready.strip() == f"kubelab ready: http://127.0.0.1:{port}  kubeconfig: {kubeconfig}"

        children = descendants(proc.pid)
        names = {c.comm for c in children}
        assert "nginx" in names, names

        kubectl = kubectl_path()
        if kubectl:
            got = subprocess.run(
                [kubectl, "get", "nodes,pods", "-A"], capture_output=True, text=True,
                env={**os.environ, "KUBECONFIG": str(kubeconfig)}, timeout=60,
            )
            assert got.returncode == 0, got.stdout + got.stderr

        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`manage.py up` did not exit within {STOP_TIMEOUT:.0f}s of SIGTERM")
        assert code == 0, "".join(seen[-60:])
        leftovers = [c for c in children if still_alive(c)]
        assert not leftovers, f"processes left behind: {leftovers}"
    finally:
        if proc.poll() is None:  # a failed assertion above: still stop it the polite way
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
