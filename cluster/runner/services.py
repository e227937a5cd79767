"""Make sure the backing services answer: Redis, Docker, PostgreSQL (for tests).

Each `ensure_*` returns a ServiceHandle; `started` says whether we started the
service, and only then does `stop()` stop it, so a system Redis or dockerd that
was already running is never touched.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

from cluster.runner.proctree import die_with_parent

log = logging.getLogger("kubelab.runner")

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "")
PG_ROLE = "kubelab"
PG_PASSWORD = "kubelab"


@dataclass
class ServiceHandle:
    name: str
    available: bool
    started: bool = False
    url: str = ""
    proc: subprocess.Popen | None = None
    stop_argv: list[str] = field(default_factory=list)
    note: str = ""

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the service only if we started it."""
        if not self.started:
            return
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.stop_argv:
            subprocess.run(self.stop_argv, check=False, capture_output=True, timeout=60)
        self.started = False


def _wait_for(check: Callable[[], bool], timeout: float, proc: subprocess.Popen | None) -> bool:
    """Poll `check` until it passes, the deadline passes, or `proc` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.1)
    return check()


def _spawn(argv: list[str], logfile: Path) -> subprocess.Popen:
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "ab") as out:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a terminal's Ctrl-C is ours to handle, not theirs
            preexec_fn=die_with_parent(signal.SIGTERM),  # daemons stop cleanly
        )


# --- Redis -----------------------------------------------------------------
def redis_answers(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return False


def ensure_redis(url: str, var_dir: Path) -> ServiceHandle:
    """Use the Redis at `url`; if it is local and silent, run our own on that port."""
    if redis_answers(url):
        return ServiceHandle("redis", available=True, url=url)
    parsed = urlparse(url)
    if parsed.hostname not in LOCAL_HOSTS:
        raise RuntimeError(f"Redis at {url} does not answer (and it is not ours to start)")
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: run scripts/setup.sh")
    data_dir = var_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    port = parsed.port or 6379
    # Broker and channel layer only: nothing needs to survive a restart, so no snapshots.
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
            "--save", "", "--appendonly", "no", "--daemonize", "no"]
    proc = _spawn(argv, var_dir / "log" / "redis.log")
    if not _wait_for(lambda: redis_answers(url), 10, proc):
        proc.kill()
        proc.wait()
        raise RuntimeError(
            f"redis-server did not answer on port {port}; see {var_dir}/log/redis.log"
        )
    log.debug("started redis-server on port %s (pid %s)", port, proc.pid)
    return ServiceHandle("redis", available=True, started=True, url=url, proc=proc)


# --- Docker ----------------------------------------------------------------
def docker_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001  (any failure means "no engine")
        return False


def ensure_docker(var_dir: Path, timeout: float = 20.0) -> ServiceHandle:
    """Use a Docker engine if one answers, else try to run dockerd; never fatal."""
    if docker_answers():
        return ServiceHandle("docker", available=True)
    binary = shutil.which("dockerd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/bin")
    reason = ""
    if binary is None:
        reason = "dockerd is not installed"
    elif os.geteuid() != 0:
        reason = "dockerd needs root"
    elif os.environ.get("DOCKER_HOST"):
        reason = f"DOCKER_HOST={os.environ['DOCKER_HOST']} does not answer"
    if reason:
        return ServiceHandle("docker", available=False, note=reason)
    logfile = var_dir / "log" / "dockerd.log"
    proc = _spawn([binary], logfile)
    if _wait_for(docker_answers, timeout, proc):
        log.debug("started dockerd (pid %s), log in %s", proc.pid, logfile)
        return ServiceHandle("docker", available=True, started=True, proc=proc)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.debug("dockerd did not start, see %s", logfile)
    return ServiceHandle("docker", available=False, note=f"dockerd failed, see {logfile}")


def resolve_runtime(requested: str, docker_available: bool) -> str:
    """KUBELAB_RUNTIME=auto becomes docker when an engine answers, else simulated."""
    if requested == "auto":
        return "docker" if docker_available else "simulated"
    return requested


# --- PostgreSQL (tests) ----------------------------------------------------
@dataclass(frozen=True)
class PgCluster:
    version: str
    name: str
    port: int
    online: bool


def pg_clusters() -> list[PgCluster]:
    """Debian's clusters (`pg_lsclusters`), newest version first."""
    if shutil.which("pg_lsclusters") is None:
        return []
    out = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    clusters = []
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 4:
            clusters.append(PgCluster(parts[0], parts[1], int(parts[2]), parts[3] == "online"))
    return sorted(clusters, key=lambda c: float(c.version), reverse=True)


def _pg_installed_versions() -> list[str]:
    base = Path("/usr/lib/postgresql")
    if not base.exists():
        return []
    versions = [p.name for p in base.iterdir() if (p / "bin" / "postgres").exists()]
    return sorted(versions, key=float, reverse=True)


def _as_postgres(argv: list[str]) -> subprocess.CompletedProcess:
    argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True)


def ensure_postgres(role: str = PG_ROLE, password: str = PG_PASSWORD) -> ServiceHandle:
    """Start the Debian PostgreSQL cluster if needed and make sure our role exists.

    Returns a handle whose url points at the `postgres` maintenance database;
    callers create their own fresh databases there (cluster/runner/databases.py).
    """
    clusters = pg_clusters()
    if not clusters:
        versions = _pg_installed_versions()
        if not versions or os.geteuid() != 0:
            raise RuntimeError("no PostgreSQL cluster: run scripts/setup.sh --test as root")
        subprocess.run(["pg_createcluster", versions[0], "main"], check=True, capture_output=True)
        clusters = pg_clusters()
    cluster = next((c for c in clusters if c.name == "main"), clusters[0])
    started = False
    if not cluster.online:
        if os.geteuid() != 0:
            raise RuntimeError(
                f"PostgreSQL {cluster.version}/{cluster.name} is down and we are not root"
            )
        subprocess.run(["pg_ctlcluster", cluster.version, cluster.name, "start"],
                       check=True, capture_output=True, timeout=60)
        started = True
        log.debug("started PostgreSQL %s/%s", cluster.version, cluster.name)
    url = f"postgresql://{quote(role)}:{quote(password)}@127.0.0.1:{cluster.port}/postgres"
    if os.geteuid() == 0:
        # Create or reset the role so the password we hand out always works.
        sql = (
            f"DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
            f"CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{password}'; "
            f"ELSE ALTER ROLE {role} LOGIN CREATEDB PASSWORD '{password}'; END IF; END $$;"
        )
        done = _as_postgres(["psql", "-p", str(cluster.port), "-qAt", "-v", "ON_ERROR_STOP=1",
                             "-c", sql])
        if done.returncode != 0:
            raise RuntimeError(f"could not create PostgreSQL role {role}: {done.stderr.strip()}")
    stop = ["pg_ctlcluster", cluster.version, cluster.name, "stop"] if started else []
    return ServiceHandle("postgresql", available=True, started=started, url=url, stop_argv=stop)
