"""Find, SIGKILL and restart a test cluster's controllers worker, from outside.

The harness's Supervisor started the worker; we find it in /proc by its command line
(`celery ... -Q controllers`) and by the cluster's unique KUBELAB_EVENTS_CHANNEL in
its environment, so a developer's own cluster on the same machine is never touched.
A restart runs the very argv, env and cwd the killed process had.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from cluster.runner.proctree import PROC, die_with_parent, read_proc, still_alive


@dataclass(frozen=True)
class WorkerProcess:
    pid: int
    argv: list[str]
    env: dict[str, str]
    cwd: str


def _read(pid: int, name: str) -> bytes:
    try:
        return (PROC / str(pid) / name).read_bytes()
    except OSError:
        return b""


def find_controllers_worker(cluster_env: dict[str, str]) -> WorkerProcess:
    channel = f"KUBELAB_EVENTS_CHANNEL={cluster_env['KUBELAB_EVENTS_CHANNEL']}".encode()
    for entry in os.listdir(PROC):
        if not entry.isdigit():
            continue
        pid = int(entry)
        argv = [a.decode() for a in _read(pid, "cmdline").split(b"\0") if a]
        if "celery" not in " ".join(argv) or "-Q" not in argv or \
                argv[argv.index("-Q") + 1:argv.index("-Q") + 2] != ["controllers"]:
            continue
        environ = _read(pid, "environ").split(b"\0")
        info = read_proc(pid)
        if channel in environ and info is not None and info.state != "Z":
            env = dict(e.decode().split("=", 1) for e in environ if b"=" in e)
            return WorkerProcess(pid, argv, env, os.readlink(PROC / str(pid) / "cwd"))
    raise LookupError("no controllers worker found for this cluster")


def kill(worker: WorkerProcess, timeout: float = 5.0) -> None:
    """SIGKILL and wait until it is dead (a zombie counts: the Supervisor reaps it)."""
    before = read_proc(worker.pid)
    os.kill(worker.pid, signal.SIGKILL)
    end = time.monotonic() + timeout
    while before is not None and still_alive(before):
        if time.monotonic() > end:
            raise TimeoutError(f"worker {worker.pid} survived SIGKILL")
        time.sleep(0.01)


def restart(worker: WorkerProcess, log: Path) -> subprocess.Popen:
    """Start a worker like the killed one; the caller stops it (by its pid) at the end."""
    with open(log, "a") as out:
        return subprocess.Popen(worker.argv, env=worker.env, cwd=worker.cwd,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=die_with_parent())


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
