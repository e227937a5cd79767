"""Every outcome of a create, which on PostgreSQL is decided by one statement (namespace
check, object row, watch event: cluster/rowsql_pg.py) and on SQLite by three: missing
and terminating namespaces, a name taken (also by racing creates), dry run, and the
watch event carrying exactly the stored object."""
from __future__ import annotations

import json
import threading
import urllib.request
import uuid

from tests.cluster.rawhttp import request
from tests.cluster.unscheduled import NO_SCHEDULER


def _ns(server) -> str:
    name = f"co-{uuid.uuid4().hex[:8]}"
    assert request(server, "POST", "/api/v1/namespaces", {"metadata": {"name": name}})[0] == 201
    return name


def _pod(name: str) -> dict:
    return {"metadata": {"name": name, "labels": {"app": "co"}},
            "spec": {"schedulerName": NO_SCHEDULER,
                     "containers": [{"name": "a", "image": "busybox"}]}}


def test_create_in_a_missing_namespace_is_404_namespace_not_found(kubelab_server):
    status, body = request(kubelab_server, "POST", "/api/v1/namespaces/co-nowhere/pods",
                           _pod("p"))
    assert status == 404
    assert body["reason"] == "NotFound"
    assert body["message"] == 'namespaces "co-nowhere" not found'
    assert body["details"]["kind"] == "namespaces"
    assert body["details"]["name"] == "co-nowhere"


def test_create_in_a_terminating_namespace_is_403(kubelab_server):
    ns = _ns(kubelab_server)
    # A finalizer nobody removes keeps the namespace terminating while we create in it.
    hold = {"metadata": {"name": "hold", "finalizers": ["example.com/hold"]}}
    assert request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/configmaps",
                   hold)[0] == 201
    assert request(kubelab_server, "DELETE", f"/api/v1/namespaces/{ns}")[0] in (200, 202)
    try:
        status, body = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods",
                               _pod("late"))
        assert status == 403
        assert body["reason"] == "Forbidden"
        assert body["message"] == (f'pods "late" is forbidden: unable to create new content '
                                   f"in namespace {ns} because it is being terminated")
        assert request(kubelab_server, "GET", f"/api/v1/namespaces/{ns}/pods/late")[0] == 404
    finally:
        request(kubelab_server, "PATCH", f"/api/v1/namespaces/{ns}/configmaps/hold",
                {"metadata": {"finalizers": None}},
                content_type="application/merge-patch+json")


def test_a_taken_name_is_409_already_exists_and_leaves_the_object(kubelab_server):
    ns = _ns(kubelab_server)
    path = f"/api/v1/namespaces/{ns}/pods"
    status, first = request(kubelab_server, "POST", path, _pod("twice"))
    assert status == 201
    second = _pod("twice")
    second["metadata"]["labels"] = {"app": "other"}
    status, body = request(kubelab_server, "POST", path, second)
    assert status == 409
    assert body["reason"] == "AlreadyExists"
    assert body["message"] == 'pods "twice" already exists'
    stored = request(kubelab_server, "GET", f"{path}/twice")[1]
    assert stored["metadata"]["uid"] == first["metadata"]["uid"]
    assert stored["metadata"]["labels"] == {"app": "co"}


def test_a_taken_cluster_scoped_name_is_409(kubelab_server):
    name = f"co-pc-{uuid.uuid4().hex[:6]}"
    path = "/apis/scheduling.k8s.io/v1/priorityclasses"
    body = {"metadata": {"name": name}, "value": 7}
    assert request(kubelab_server, "POST", path, body)[0] == 201
    try:
        status, answer = request(kubelab_server, "POST", path, body)
        assert status == 409
        assert answer["reason"] == "AlreadyExists"
        assert answer["message"] == f'priorityclasses.scheduling.k8s.io "{name}" already exists'
    finally:
        request(kubelab_server, "DELETE", f"{path}/{name}")


def test_racing_creates_of_one_name_make_one_pod(kubelab_server):
    ns = _ns(kubelab_server)
    statuses: list[tuple[int, str]] = []
    lock = threading.Lock()

    def create() -> None:
        status, body = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods",
                               _pod("contested"))
        with lock:
            statuses.append((status, body.get("reason", "") if status != 201 else ""))

    threads = [threading.Thread(target=create) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [(201, "")] + [(409, "AlreadyExists")] * 11
    listed = request(kubelab_server, "GET", f"/api/v1/namespaces/{ns}/pods")[1]
    assert [p["metadata"]["name"] for p in listed["items"]] == ["contested"]


def test_dry_run_create_stores_nothing(kubelab_server):
    ns = _ns(kubelab_server)
    status, body = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods?dryRun=All",
                           _pod("dry"))
    assert status == 201 and body["metadata"]["name"] == "dry"
    assert request(kubelab_server, "GET", f"/api/v1/namespaces/{ns}/pods/dry")[0] == 404


def _watch_lines(server, path: str) -> list[dict]:
    req = urllib.request.Request(server.url + path)
    req.add_header("Authorization", f"Bearer {server.admin_token}")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return [json.loads(line) for line in resp.read().splitlines() if line.strip()]


def test_the_watch_event_of_a_create_is_the_stored_object(kubelab_server):
    ns = _ns(kubelab_server)
    start = request(kubelab_server, "GET", f"/api/v1/namespaces/{ns}/pods")[1]
    rv = start["metadata"]["resourceVersion"]
    status, created = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods",
                              _pod("seen"))
    assert status == 201
    events = _watch_lines(kubelab_server, f"/api/v1/namespaces/{ns}/pods?watch=1"
                                          f"&resourceVersion={rv}&timeoutSeconds=1")
    added = [e for e in events if e["type"] == "ADDED"]
    assert len(added) == 1
    stored = request(kubelab_server, "GET", f"/api/v1/namespaces/{ns}/pods/seen")[1]
    assert added[0]["object"] == stored == created
    assert int(created["metadata"]["resourceVersion"]) > int(rv)
