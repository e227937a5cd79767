"""A module's own 3-node cluster (simulated nodes node-1..node-3), for dashboard tests
that need a quiet cluster: the scheduling overlay's verdicts must cover exactly three
nodes, pausing the controllers must not disturb the session's shared cluster, and on the
shared cluster earlier tests (a class of thirty students) fill the nodes and leave tens
of thousands of events of history and constant churn behind."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from cluster.runner.harness import RunningCluster, running_cluster
from tests.dashboard.helpers import Api
from tests.waiting import wait_for

NODES = ("node-1", "node-2", "node-3")


def three_node_cluster(tmp_path_factory, name: str) -> Iterator[RunningCluster]:
    from tests.conftest import _session

    with running_cluster(tmp_path_factory.mktemp(name),
                         database_url=os.environ.get("DATABASE_URL"),
                         redis_url=str(_session.get("base_redis")), nodes=len(NODES),
                         runtime="simulated") as server:
        yield server


def own_cluster(name: str, server_fixture: str = "kubelab_server",
                api_fixture: str = "admin_api"):
    """Module-scoped fixtures for a test module: its private cluster (by default under
    the session's names, so the shared `page` fixture logs into it) and an admin Api
    that is handed out once the three nodes are Ready. Bind both in the module:
    `kubelab_server, admin_api = own_cluster("services")`."""
    @pytest.fixture(scope="module", name=server_fixture)
    def server(tmp_path_factory) -> Iterator[RunningCluster]:
        yield from three_node_cluster(tmp_path_factory, name)

    @pytest.fixture(scope="module", name=api_fixture)
    def api(request) -> Api:
        cluster = request.getfixturevalue(server_fixture)
        admin = Api(cluster.url, cluster.admin_token)
        wait_nodes_ready(admin)
        return admin

    return server, api


def wait_nodes_ready(api, names=NODES) -> None:
    def ready() -> bool:
        items = api.call("GET", "/api/v1/nodes")["items"]
        have = {n["metadata"]["name"] for n in items
                if any(c["type"] == "Ready" and c["status"] == "True"
                       for c in n["status"].get("conditions") or [])}
        return set(names) <= have
    wait_for(ready, "the simulated nodes to be Ready", timeout=60)


def decision_of(api, ns: str, name: str) -> dict:
    """The decision the scheduler stored on the pod, once it has stored one."""
    def stored():
        pod = api.call("GET", f"/api/v1/namespaces/{ns}/pods/{name}")
        raw = (pod["metadata"].get("annotations") or {}).get("scheduler.kubelab.io/decision")
        return json.loads(raw) if raw else None
    return wait_for(stored, f"a scheduling decision on {ns}/{name}", timeout=30)


def server_dry_run(cluster: RunningCluster, ns: str, name: str, profiles: list[str]) -> dict:
    """Where each profile would put the pod, asked of the cluster's own database in a
    separate process (the same dry run the scheduler offers, not the dashboard's copy)."""
    code = ("import json; from cluster import store; from scheduler import dryrun; "
            f"pod = store.get('Pod', {ns!r}, {name!r}); "
            f"print(json.dumps({{p: dryrun.explain(pod, p, settings={{}}).get('node') "
            f"for p in {profiles!r}}}))")
    done = cluster.manage("shell", "-c", code, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
