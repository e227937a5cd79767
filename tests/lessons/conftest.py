"""A private 3-node simulated cluster for the lesson tests, with an extra lessons folder
holding one malformed file (the lessons page must report it, never crash)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cluster.runner.harness import RunningCluster, running_cluster
from tests.dashboard.conftest import browser, login  # noqa: F401  (fixtures shared here)
from tests.dashboard.private_cluster import wait_nodes_ready

MALFORMED = """id: broken
title: A lesson with a typo
steps:
  - title: First
    text: the colon in this line: breaks the YAML
    check: {kind: Pod}
"""


@pytest.fixture(scope="package")
def extra_lessons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("extra-lessons")
    (folder / "99-broken.yaml").write_text(MALFORMED)
    return folder


@pytest.fixture(scope="package")
def lesson_cluster(tmp_path_factory, extra_lessons: Path) -> Iterator[RunningCluster]:
    from tests.conftest import _session

    # The cluster's processes copy os.environ when they start: set the extra folder only
    # for that moment, so the in-process Django of other tests never sees it.
    os.environ["KUBELAB_LESSONS_DIRS"] = str(extra_lessons)
    try:
        cm = running_cluster(tmp_path_factory.mktemp("lessons"),
                             database_url=os.environ.get("DATABASE_URL"),
                             redis_url=str(_session.get("base_redis")), nodes=3,
                             runtime="simulated")
        server = cm.__enter__()
    finally:
        del os.environ["KUBELAB_LESSONS_DIRS"]
    try:
        from tests.dashboard.helpers import Api
        wait_nodes_ready(Api(server.url, server.admin_token))
        yield server
    finally:
        cm.__exit__(None, None, None)


def runner_env(cluster: RunningCluster) -> dict[str, str]:
    """The cluster's environment without the malformed extra folder (run-lessons fails on
    a malformed file by design)."""
    return {k: v for k, v in cluster.env.items() if k != "KUBELAB_LESSONS_DIRS"}
