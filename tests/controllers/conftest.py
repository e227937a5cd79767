"""Controller tests run against a whole cluster per module: API, controllers, the real
scheduler, and the node simulator playing SIM_NODES nodes (node-1..node-N). A module of
its own means a test that fails nodes or kills the controllers worker cannot disturb
the others."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from cluster.runner.harness import RunningCluster, running_cluster
from tests.controllers.helpers import Api, new_namespace

SIM_NODES = 3


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    var_dir = tmp_path_factory.mktemp("controllers")
    with running_cluster(var_dir, database_url=os.environ.get("DATABASE_URL"),
                         nodes=SIM_NODES, runtime="simulated") as server:
        yield server


@pytest.fixture(scope="module")
def api(cluster: RunningCluster) -> Api:
    return Api(cluster)


@pytest.fixture()
def ns(api: Api) -> str:
    return new_namespace(api)
