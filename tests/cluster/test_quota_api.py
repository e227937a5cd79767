"""ResourceQuota and LimitRange through the API: served, enforced, race-free, kept current."""
from __future__ import annotations

import json
import threading
import urllib.request
import uuid

import pytest

from cluster.kubeconfig import token_in
from tests.cluster.rawhttp import request
from tests.waiting import wait_for

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
MERGE = "application/merge-patch+json"


@pytest.fixture
def ns(kubelab_server) -> str:
    name = f"q-{uuid.uuid4().hex[:8]}"
    assert request(kubelab_server, "POST", "/api/v1/namespaces",
                   {"metadata": {"name": name}})[0] == 201
    return name


def quota(server, ns: str, hard: dict, name: str = "compute") -> dict:
    status, body = request(server, "POST", f"/api/v1/namespaces/{ns}/resourcequotas",
                           {"apiVersion": "v1", "kind": "ResourceQuota",
                            "metadata": {"name": name}, "spec": {"hard": hard}})
    assert status == 201, body
    return body


def pod(name: str, cpu: str | None = "100m", memory: str | None = "64Mi") -> dict:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
    resources = {"requests": requests} if requests else {}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "app", "image": "busybox",
                                     "resources": resources}]}}


def create_pod(server, ns: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    return request(server, "POST", f"/api/v1/namespaces/{ns}/pods", body, token=token)


def test_it_serves_both_kinds_in_discovery(kubelab_server):
    status, body = request(kubelab_server, "GET", "/api/v1")
    assert status == 200
    entries = {r["name"]: r for r in body["resources"]}
    assert entries["resourcequotas"]["shortNames"] == ["quota"]
    assert entries["resourcequotas"]["namespaced"] is True
    assert "resourcequotas/status" in entries
    assert entries["limitranges"]["shortNames"] == ["limits"]


def test_the_pod_over_quota_is_refused_in_kubernetes_words(kubelab_server, ns):
    quota(kubelab_server, ns, {"pods": "2", "requests.cpu": "1"})
    for i in range(2):
        assert create_pod(kubelab_server, ns, pod(f"p{i}"))[0] == 201
    status, body = create_pod(kubelab_server, ns, pod("p2"))
    assert status == 403, body
    assert body["reason"] == "Forbidden"
    assert body["message"] == ('pods "p2" is forbidden: exceeded quota: compute, '
                               "requested: pods=1, used: pods=2, limited: pods=2")
    assert request(kubelab_server, "GET", f"/api/v1/namespaces/{ns}/pods/p2")[0] == 404


def test_cpu_over_quota_names_the_resource(kubelab_server, ns):
    quota(kubelab_server, ns, {"requests.cpu": "500m"})
    assert create_pod(kubelab_server, ns, pod("a", cpu="300m"))[0] == 201
    status, body = create_pod(kubelab_server, ns, pod("b", cpu="300m"))
    assert status == 403
    assert body["message"].endswith("exceeded quota: compute, requested: requests.cpu=300m, "
                                    "used: requests.cpu=300m, limited: requests.cpu=500m")


def test_requests_are_required_when_the_quota_constrains_them(kubelab_server, ns):
    quota(kubelab_server, ns, {"requests.memory": "1Gi"})
    status, body = create_pod(kubelab_server, ns, pod("bare", cpu=None, memory=None))
    assert status == 403
    assert body["message"] == ('pods "bare" is forbidden: failed quota: compute: '
                               "must specify requests.memory for: app")


def test_a_limitrange_fills_in_what_the_quota_requires(kubelab_server, ns):
    quota(kubelab_server, ns, {"requests.memory": "1Gi", "requests.cpu": "1"})
    status, body = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/limitranges", {
        "metadata": {"name": "defaults"},
        "spec": {"limits": [{"type": "Container", "defaultRequest": {"cpu": "100m",
                                                                     "memory": "64Mi"},
                             "default": {"cpu": "200m", "memory": "128Mi"},
                             "max": {"memory": "512Mi"}}]}})
    assert status == 201, body
    status, created = create_pod(kubelab_server, ns, pod("bare", cpu=None, memory=None))
    assert status == 201, created
    resources = created["spec"]["containers"][0]["resources"]
    assert resources == {"requests": {"cpu": "100m", "memory": "64Mi"},
                         "limits": {"cpu": "200m", "memory": "128Mi"}}
    assert created["status"]["qosClass"] == "Burstable"
    big = pod("big", memory="1Gi")
    big["spec"]["containers"][0]["resources"]["limits"] = {"memory": "1Gi"}
    status, body = create_pod(kubelab_server, ns, big)
    assert status == 403
    assert body["message"] == ('pods "big" is forbidden: maximum memory usage per Container '
                               "is 512Mi, but limit is 1Gi")


def test_status_used_follows_creates_and_deletes(kubelab_server, ns):
    quota(kubelab_server, ns, {"pods": "5", "requests.cpu": "2", "count/configmaps": "3"})
    for i in range(2):
        assert create_pod(kubelab_server, ns, pod(f"p{i}", cpu="250m"))[0] == 201
    path = f"/api/v1/namespaces/{ns}/resourcequotas/compute"

    def used() -> dict:
        return (request(kubelab_server, "GET", path)[1].get("status") or {}).get("used") or {}
    wait_for(lambda: used() == {"pods": "2", "requests.cpu": "500m",
                                "count/configmaps": "0"}, "used after two creates")
    assert request(kubelab_server, "GET", path)[1]["status"]["hard"] == {
        "count/configmaps": "3", "pods": "5", "requests.cpu": "2"}
    status, _ = request(kubelab_server, "DELETE", f"/api/v1/namespaces/{ns}/pods/p0")
    assert status == 200
    wait_for(lambda: used().get("pods") == "1" and used().get("requests.cpu") == "250m",
             "used after a delete")


def test_two_racing_creates_never_share_the_last_slot(kubelab_server, ns):
    quota(kubelab_server, ns, {"pods": "5"})
    results: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def create(i: int) -> None:
        start.wait()
        status, _ = create_pod(kubelab_server, ns, pod(f"race-{i}"))
        with lock:
            results.append(status)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [201] * 5 + [403] * 15
    items = request(kubelab_server, "GET", f"/api/v1/namespaces/{ns}/pods")[1]["items"]
    assert len(items) == 5


def test_object_counts_refuse_a_second_deployment_and_create_nothing(kubelab_server, ns):
    quota(kubelab_server, ns, {"count/deployments.apps": "1"})
    path = f"/apis/apps/v1/namespaces/{ns}/deployments"

    def deployment(name: str) -> dict:
        labels = {"app": name}
        return {"metadata": {"name": name},
                "spec": {"replicas": 0, "selector": {"matchLabels": labels},
                         "template": {"metadata": {"labels": labels},
                                      "spec": {"containers": [{"name": "app",
                                                               "image": "busybox"}]}}}}
    assert request(kubelab_server, "POST", path, deployment("one"))[0] == 201
    status, body = request(kubelab_server, "POST", path, deployment("two"))
    assert status == 403
    assert body["message"] == (
        'deployments.apps "two" is forbidden: exceeded quota: compute, requested: '
        "count/deployments.apps=1, used: count/deployments.apps=1, limited: "
        "count/deployments.apps=1")
    assert request(kubelab_server, "GET", f"{path}/two")[0] == 404


def test_a_deployment_stops_at_the_quota_and_says_why(kubelab_server, ns):
    quota(kubelab_server, ns, {"pods": "2"})
    labels = {"app": "web"}
    status, _ = request(kubelab_server, "POST", f"/apis/apps/v1/namespaces/{ns}/deployments", {
        "metadata": {"name": "web"},
        "spec": {"replicas": 4, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels},
                              "spec": {"containers": [{"name": "app", "image": "busybox"}]}}}})
    assert status == 201

    def failure() -> str:
        items = request(kubelab_server, "GET",
                        f"/apis/apps/v1/namespaces/{ns}/replicasets")[1]["items"]
        for rs in items:
            for cond in (rs.get("status") or {}).get("conditions") or []:
                if cond["type"] == "ReplicaFailure":
                    return cond.get("message", "")
        return ""
    message = wait_for(failure, "the ReplicaSet's ReplicaFailure condition")
    assert "exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2" \
        in message
    pods = request(kubelab_server, "GET", f"/api/v1/namespaces/{ns}/pods")[1]["items"]
    assert len(pods) == 2


def test_a_student_reads_the_quota_but_cannot_change_it(kubelab_server, ns):
    quota(kubelab_server, ns, {"pods": "1"})
    done = kubelab_server.manage("create-student", f"s-{ns}", "--namespace", ns)
    assert done.returncode == 0, done.stderr
    token = token_in(kubelab_server.var_dir / "students" / f"s-{ns}.kubeconfig")
    path = f"/api/v1/namespaces/{ns}/resourcequotas"
    assert request(kubelab_server, "GET", f"{path}/compute", token=token)[0] == 200
    status, body = request(kubelab_server, "DELETE", f"{path}/compute", token=token)
    assert status == 403, body
    status, body = request(kubelab_server, "POST", path, {
        "metadata": {"name": "mine"}, "spec": {"hard": {"pods": "100"}}}, token=token)
    assert status == 403


def test_kubectl_tables_show_used_over_hard(kubelab_server, ns):
    quota(kubelab_server, ns, {"pods": "3", "limits.memory": "1Gi"})
    path = f"/api/v1/namespaces/{ns}/resourcequotas/compute"
    wait_for(lambda: (request(kubelab_server, "GET", path)[1].get("status") or {})
             .get("used"), "status.used")
    req = urllib.request.Request(kubelab_server.url + f"/api/v1/namespaces/{ns}/resourcequotas",
                                 headers={"Accept": TABLE,
                                          "Authorization": f"Bearer {kubelab_server.admin_token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        table = json.loads(resp.read())
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Age", "Request",
                                                               "Limit"]
    cells = table["rows"][0]["cells"]
    assert cells[0] == "compute"
    assert cells[2:] == ["pods: 0/3", "limits.memory: 0/1Gi"]


def test_a_finished_pod_frees_its_slot(kubelab_server, ns):
    quota(kubelab_server, ns, {"pods": "1"})
    body = pod("done")
    body["spec"]["nodeName"] = "nowhere"  # never started by a kubelet: we finish it here
    assert create_pod(kubelab_server, ns, body)[0] == 201
    assert create_pod(kubelab_server, ns, pod("waiting"))[0] == 403
    path = f"/api/v1/namespaces/{ns}/pods/done/status"
    status, _ = request(kubelab_server, "PATCH", path, {"status": {"phase": "Succeeded"}},
                        content_type="application/merge-patch+json")
    assert status == 200
    assert create_pod(kubelab_server, ns, pod("next"))[0] == 201


def test_an_update_that_needs_more_quota_is_refused_and_changes_nothing(kubelab_server, ns):
    quota(kubelab_server, ns, {"services.nodeports": "1"}, name="ports")
    path = f"/api/v1/namespaces/{ns}/services"
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
               "spec": {"selector": {"app": "web"},
                        "ports": [{"name": "a", "port": 80}, {"name": "b", "port": 81}]}}
    assert request(kubelab_server, "POST", path, service)[0] == 201
    # Turning it NodePort would take two node ports of a quota of one.
    status, body = request(kubelab_server, "PATCH", f"{path}/web",
                           {"spec": {"type": "NodePort"}}, content_type=MERGE)
    assert status == 403, body
    assert "exceeded quota: ports, requested: services.nodeports=2, " \
        "used: services.nodeports=0, limited: services.nodeports=1" in body["message"]
    assert request(kubelab_server, "GET", f"{path}/web")[1]["spec"]["type"] == "ClusterIP"
    # One port fits: the update that needs no more than is left goes through.
    one_port = {"spec": {"type": "NodePort", "ports": [{"name": "a", "port": 80}]}}
    status, body = request(kubelab_server, "PATCH", f"{path}/web", one_port,
                           content_type=MERGE)
    assert status == 200, body
    assert body["spec"]["ports"][0]["nodePort"] > 0
