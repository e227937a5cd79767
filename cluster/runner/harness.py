"""Start a whole private cluster (own ports, var dir, database, Redis DB) and stop it again.

Used by the test fixtures and the benchmarks, so both measure exactly what `make run`
starts, never a developer's running cluster.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cluster.runner.config import BASE_DIR, make_config
from cluster.runner.databases import create_database, drop_database, is_postgres_url
from cluster.runner.processes import cluster_processes
from cluster.runner.readiness import wait_ready
from cluster.runner.redis_lease import claim_redis_db
from cluster.runner.services import docker_answers, resolve_runtime
from cluster.runner.supervisor import Supervisor

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
READY_TIMEOUT = 90.0
LOG_TAIL = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=timeout)


def tail(path: Path, lines: int = LOG_TAIL) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


@dataclass
class RunningCluster:
    url: str  # plain HTTP: browsers, curl, the Python client
    api_url: str  # HTTPS: what the kubeconfig names (kubectl sends tokens only over TLS)
    admin_token: str
    kubeconfig: Path
    var_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    log: Path | None = None
    supervisor: Supervisor | None = None  # its processes, for fault-injection tests

    def kill_process(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Crash one of the cluster's processes (e.g. "kubelet-node-2"); returns its pid."""
        assert self.supervisor is not None
        return self.supervisor.kill(name, sig)

    def restart_process(self, name: str) -> int:
        """Start a killed process again, as `up` would have; returns the new pid."""
        assert self.supervisor is not None
        return self.supervisor.restart(name).pid

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run a manage.py command against this cluster's database and Redis."""
        return manage(self.env, *args, timeout=timeout)


def _admin_token(kubeconfig: Path) -> str:
    from cluster.kubeconfig import token_in

    token = token_in(kubeconfig)
    if not token:
        raise RuntimeError(f"no token in {kubeconfig}")
    return token


@contextlib.contextmanager
def running_cluster(var_dir: Path, *, database_url: str | None = None,
                    redis_url: str | None = None, nodes: int | None = None,
                    runtime: str | None = None) -> Iterator[RunningCluster]:
    """A cluster on free ports. `database_url` may name a PostgreSQL server: a fresh
    database is made on it and dropped afterwards. Default: SQLite in `var_dir`."""
    base_redis = redis_url or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    lease = claim_redis_db(base_redis)
    pg_name = None
    if is_postgres_url(database_url):
        db_url, pg_name = create_database(str(database_url), prefix="kubelab_run")
    else:
        db_url = database_url or f"sqlite:///{var_dir / 'kubelab.sqlite3'}"
    if runtime is None:
        runtime = resolve_runtime(os.environ.get("KUBELAB_RUNTIME") or "auto", docker_answers())
    cfg = make_config(
        var_dir=var_dir, port=free_port(), api_port=free_port(), wsgi_port=free_port(),
        asgi_port=free_port(),
        nodes=int(os.environ.get("KUBELAB_NODES") or 3) if nodes is None else nodes,
        runtime=runtime,
        extra_env={"DATABASE_URL": db_url, "REDIS_URL": lease.url,
                   "KUBELAB_EVENTS_CHANNEL": f"kubelab:run:{uuid.uuid4().hex[:12]}"},
    )
    log_path = var_dir / "cluster.log"
    log_file = open(log_path, "w", buffering=1)  # noqa: SIM115  (closed in finally)
    sup = Supervisor(log_file)
    try:
        for args in (("migrate", "--noinput"),
                     ("bootstrap", "--server", cfg.api_url, "--kubeconfig",
                      str(cfg.kubeconfig))):
            done = manage(cfg.env, *args)
            log_file.write(done.stdout + done.stderr)
            if done.returncode != 0:
                raise RuntimeError(f"manage.py {args[0]} failed ({done.returncode}):\n"
                                   f"{done.stdout}{done.stderr}")
        sup.start_all(cluster_processes(cfg))
        probe = wait_ready(f"{cfg.url}/readyz", READY_TIMEOUT, abort=lambda: _death(sup))
        if not probe.ok:
            raise RuntimeError(f"kubelab did not get ready: HTTP {probe.status} {probe.body}\n"
                               f"--- last {LOG_TAIL} lines of {log_path}:\n{tail(log_path)}")
        yield RunningCluster(url=cfg.url, api_url=cfg.api_url,
                             admin_token=_admin_token(cfg.kubeconfig),
                             kubeconfig=cfg.kubeconfig, var_dir=var_dir, env=cfg.env,
                             log=log_path, supervisor=sup)
    finally:
        sup.stop_all()
        if cfg.runtime == "docker":  # kubelets keep containers on stop; a test cluster must not
            done = manage(cfg.env, "remove-containers")
            log_file.write(done.stdout + done.stderr)
        log_file.close()
        if pg_name:
            drop_database(db_url, pg_name)
        lease.release()


def _death(sup: Supervisor) -> str | None:
    died = sup.dead()
    return f"{died[0][0]} exited with code {died[0][1]}" if died else None
