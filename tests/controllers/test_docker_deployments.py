"""Deployments end to end on the real Docker engine: three kubelets, real containers.

A module-scoped cluster of its own (runtime docker), so the controllers, scheduler and
kubelets are the ones `make run` starts. Images are the offline `kubelab/hello:1` and
`:2` (an HTTP server that answers with its version), so a rolling update changes what
really runs, not only the spec.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from cluster.runner.harness import DEFAULT_REDIS_URL, RunningCluster, running_cluster
from cluster.runner.services import docker_answers
from tests.conftest import kubectl_path
from tests.controllers.helpers import Api, active, deployment, new_namespace, wait_for

pytestmark = pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")

DEP = "/apis/apps/v1/namespaces/{ns}/deployments"
LABEL_NS = "kubelab.pod.namespace"


def _wait(condition, what: str, timeout: float):
    # Each poll lists pods and containers: 3 times a second is plenty for Docker.
    return wait_for(condition, what, timeout=timeout, every=0.3)


@pytest.fixture(scope="module")
def docker_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    var_dir = tmp_path_factory.mktemp("controllers-docker")
    with running_cluster(var_dir, nodes=3, runtime="docker",
                         redis_url=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL) as c:
        yield c


@pytest.fixture(scope="module")
def api(docker_cluster: RunningCluster) -> Api:
    api = Api(docker_cluster)
    _wait(lambda: len(_ready_nodes(api)) == 3, "3 Docker nodes Ready", timeout=90)
    return api


@pytest.fixture()
def ns(api: Api) -> Iterator[str]:
    name = new_namespace(api)
    yield name
    code, _ = api.call("DELETE", f"/api/v1/namespaces/{name}")
    assert code in (200, 202), code
    _wait(lambda: not _containers(name), f"containers of {name} removed", timeout=90)


def _ready_nodes(api: Api) -> list[str]:
    nodes = api.call("GET", "/api/v1/nodes")[1].get("items", [])
    return [n["metadata"]["name"] for n in nodes
            if any(c["type"] == "Ready" and c["status"] == "True"
                   for c in n.get("status", {}).get("conditions", []))]


def _containers(namespace: str) -> list[dict]:
    import docker

    client = docker.from_env()
    return client.api.containers(all=True, filters={"label": [f"{LABEL_NS}={namespace}"]})


def _running(api: Api, ns: str) -> list[dict]:
    """Active pods whose every container is running."""
    out = []
    for p in active(api.pods(ns)):
        statuses = (p.get("status") or {}).get("containerStatuses") or []
        if p.get("status", {}).get("phase") == "Running" and statuses and \
                all("running" in (s.get("state") or {}) for s in statuses):
            out.append(p)
    return out


def _running_images(ns: str) -> list[str]:
    """The images of the app containers Docker is running for the namespace's pods."""
    return sorted(c["Image"] for c in _containers(ns)
                  if c["State"] == "running" and "pause" not in c["Image"])


def test_deleted_pod_is_replaced_by_a_new_container(api, ns):
    api.call("POST", DEP.format(ns=ns), deployment("web", 3, "kubelab/hello:1"))
    first = _wait(lambda: len(r := _running(api, ns)) == 3 and r, "3 pods Running",
                     timeout=90)
    assert _running_images(ns) == ["kubelab/hello:1"] * 3
    victim = first[0]["metadata"]["name"]
    code, _ = api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/{victim}")
    assert code == 200
    after = _wait(lambda: len(r := _running(api, ns)) == 3 and
                     victim not in {p["metadata"]["name"] for p in r} and r,
                     "a replacement Running", timeout=60)
    assert len({p["metadata"]["name"] for p in after} - {p["metadata"]["name"]
                                                         for p in first}) == 1
    _wait(lambda: _running_images(ns) == ["kubelab/hello:1"] * 3,
             "Docker runs exactly 3 app containers", timeout=60)


def test_image_change_rolls_out_to_real_containers(api, ns):
    api.call("POST", DEP.format(ns=ns), deployment("roll", 3, "kubelab/hello:1"))
    _wait(lambda: len(_running(api, ns)) == 3, "3 pods Running", timeout=90)
    code, _ = api.call("PATCH", DEP.format(ns=ns) + "/roll", {"spec": {"template": {
        "spec": {"containers": [{"name": "app", "image": "kubelab/hello:2"}]}}}},
        patch="strategic-merge-patch")
    assert code == 200

    def rolled_out() -> bool:
        d = api.call("GET", DEP.format(ns=ns) + "/roll")[1]
        st = d.get("status") or {}
        return st.get("observedGeneration") == d["metadata"]["generation"] and \
            st.get("updatedReplicas") == 3 and st.get("availableReplicas") == 3 and \
            st.get("replicas") == 3
    _wait(rolled_out, "the rollout to complete", timeout=120)
    _wait(lambda: _running_images(ns) == ["kubelab/hello:2"] * 3,
             "Docker runs only the new image", timeout=60)
    sets = api.call("GET", f"/apis/apps/v1/namespaces/{ns}/replicasets")[1]["items"]
    assert sorted(rs["spec"]["replicas"] for rs in sets) == [0, 3]


@pytest.mark.skipif(kubectl_path() is None, reason="kubectl is not installed")
def test_kubectl_rollout_status_and_undo_on_docker(api, ns, docker_cluster):
    def kubectl(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([kubectl_path(), "--kubeconfig", str(docker_cluster.kubeconfig),
                               "-n", ns, *args], capture_output=True, text=True, timeout=150)

    api.call("POST", DEP.format(ns=ns), deployment("kc", 2, "kubelab/hello:1"))
    done = kubectl("rollout", "status", "deployment/kc", "--timeout=120s")
    assert done.returncode == 0 and "successfully rolled out" in done.stdout, done
    changed = kubectl("set", "image", "deployment/kc", "app=kubelab/hello:2")
    assert changed.returncode == 0, changed
    assert kubectl("rollout", "status", "deployment/kc", "--timeout=120s").returncode == 0
    undo = kubectl("rollout", "undo", "deployment/kc")
    assert undo.returncode == 0, undo
    assert kubectl("rollout", "status", "deployment/kc", "--timeout=120s").returncode == 0
    _wait(lambda: _running_images(ns) == ["kubelab/hello:1"] * 2,
             "Docker runs hello:1 again", timeout=90)
