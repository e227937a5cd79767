"""Shared fixtures: a real kubelab cluster per test session, and clients for it.

Isolation, so tests never touch a developer's running cluster or each other:
- in-process Django gets a temporary KUBELAB_VAR_DIR (its own SQLite file) unless
  DATABASE_URL is set (then `make test` has made a fresh PostgreSQL database for it);
- every Redis user here gets its own leased Redis DB number (Celery queues, channel
  layer) and a unique KUBELAB_EVENTS_CHANNEL (pub/sub is server-wide);
- `kubelab_server` runs on free ports, in its own var dir, on its own database.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cluster.runner.harness import DEFAULT_REDIS_URL, RunningCluster, running_cluster
from cluster.runner.redis_lease import RedisLease, claim_redis_db
from cluster.runner.services import ServiceHandle, ensure_redis

_session: dict[str, object] = {}


# --- in-process Django -------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    base_redis = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    var_dir = Path(tempfile.mkdtemp(prefix="kubelab-pytest-"))
    _session["var_dir"] = var_dir
    _session["base_redis"] = base_redis
    os.environ["KUBELAB_VAR_DIR"] = str(var_dir)
    os.environ["KUBELAB_EVENTS_CHANNEL"] = f"kubelab:test:{uuid.uuid4().hex[:12]}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        _session["redis"] = ensure_redis(base_redis, var_dir)
        lease = claim_redis_db(base_redis)
        _session["lease"] = lease
        os.environ["REDIS_URL"] = lease.url
    except RuntimeError as exc:
        print(f"conftest: no Redis for in-process tests: {exc}", file=sys.stderr)
    try:
        import django

        django.setup()
    except Exception as exc:  # noqa: BLE001  (report, let the tests that need Django fail)
        print(f"conftest: django.setup() failed: {exc!r}", file=sys.stderr)


def pytest_unconfigure(config: pytest.Config) -> None:
    lease = _session.pop("lease", None)
    if isinstance(lease, RedisLease):
        lease.release()
    redis = _session.pop("redis", None)
    if isinstance(redis, ServiceHandle):
        redis.stop()
    var_dir = _session.pop("var_dir", None)
    if isinstance(var_dir, Path):
        shutil.rmtree(var_dir, ignore_errors=True)


# --- helpers ---------------------------------------------------------------
def kubectl_path() -> str | None:
    """Where kubectl is, or None."""
    return shutil.which("kubectl")


@pytest.fixture(scope="session")
def kubectl() -> str:
    path = kubectl_path()
    if path is None:
        # scripts/setup.sh --test (make test) installs Debian's kubernetes-client, so a
        # missing kubectl is a broken set-up, not a reason to count these tests as passed.
        pytest.fail("kubectl is not installed: run scripts/setup.sh --test")
    return path


# --- the cluster -----------------------------------------------------------
@pytest.fixture(scope="session")
def kubelab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    """One whole cluster for the session, on its own ports, database and Redis DB.
    With DATABASE_URL pointing at PostgreSQL, a fresh database is made on that server."""
    var_dir = tmp_path_factory.mktemp("kubelab-server")
    # Simulated nodes by default: fast and deterministic. Docker end-to-end tests start
    # their own docker cluster (KUBELAB_TEST_RUNTIME=docker runs everything on Docker).
    with running_cluster(var_dir, database_url=os.environ.get("DATABASE_URL"),
                         redis_url=str(_session.get("base_redis", DEFAULT_REDIS_URL)),
                         runtime=os.environ.get("KUBELAB_TEST_RUNTIME", "simulated")) as server:
        yield server


@pytest.fixture(scope="session")
def k8s(kubelab_server: RunningCluster):
    """A `kubernetes.client.ApiClient` for the test cluster, from its kubeconfig."""
    from kubernetes import config

    client = config.new_client_from_config(config_file=str(kubelab_server.kubeconfig))
    yield client
    client.close()
