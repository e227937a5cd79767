"""The networking lesson (11) needs real containers: run it on a private Docker cluster."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from cluster.runner.harness import DEFAULT_REDIS_URL, RunningCluster, running_cluster
from cluster.runner.services import docker_answers

pytestmark = pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")


@pytest.fixture(scope="module")
def docker_cluster(tmp_path_factory) -> Iterator[RunningCluster]:
    with running_cluster(tmp_path_factory.mktemp("lessons-docker"), nodes=2, runtime="docker",
                         redis_url=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL) as c:
        yield c


def test_the_networking_lesson_reaches_a_pod_by_its_ip(docker_cluster):
    done = docker_cluster.manage("run-lessons", "--lesson", "networking", timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "networking: passed" in done.stdout
