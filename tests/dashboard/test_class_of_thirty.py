"""A class of thirty: created in one command, every student applying a Deployment at once.

Each student works with their own token: isolated (403 elsewhere, their socket carries
nothing from other namespaces), held to their quota (the pod over it is refused in
Kubernetes' words and not created), and their namespace can be reset by the teacher.
"""
from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from cluster.kubeconfig import token_in
from tests.cluster.rawhttp import request
from tests.dashboard.wsclient import login_cookie, objects_in, open_socket, receive_until
from tests.waiting import wait_for

STUDENTS = 30
PODS_EACH = 2
REPLICAS = 3  # one more than the quota allows


@dataclass(frozen=True)
class Seat:
    name: str
    code: str
    token: str


@pytest.fixture(scope="module")
def seats(kubelab_server) -> list[Seat]:
    name = f"c{uuid.uuid4().hex[:5]}"
    done = kubelab_server.manage("create-class", name, "--students", str(STUDENTS),
                                 "--pods", str(PODS_EACH))
    assert done.returncode == 0, done.stderr
    out = []
    for line in done.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            student, code, path = parts
            out.append(Seat(student, code, token_in(Path(path))))
    assert len(out) == STUDENTS
    return out


def deployment(name: str) -> dict:
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": REPLICAS, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "app",
                                                           "image": "busybox"}]}}}}


def apply(server, seat: Seat) -> int:
    """Server-side apply, as `kubectl apply --server-side` sends it."""
    status, body = request(server, "PATCH",
                           f"/apis/apps/v1/namespaces/{seat.name}/deployments/web"
                           "?fieldManager=kubectl", deployment("web"),
                           content_type="application/apply-patch+yaml", token=seat.token)
    assert status in (200, 201), body
    return status


def pods_in(server, ns: str) -> list[dict]:
    return request(server, "GET", f"/api/v1/namespaces/{ns}/pods")[1]["items"]


def test_every_student_applies_at_once_and_stays_in_their_namespace(kubelab_server, seats):
    watched = seats[:3]
    sockets = [open_socket(kubelab_server.url, login_cookie(kubelab_server.url, s.token))
               for s in watched]
    try:
        for ws in sockets:
            receive_until(ws, lambda ms: any(m["type"] == "snapshot" for m in ms))
        start = threading.Barrier(len(seats))
        failures: list[str] = []

        def student(seat: Seat) -> None:
            start.wait()
            try:
                apply(kubelab_server, seat)
            except AssertionError as exc:
                failures.append(f"{seat.name}: {exc}")
        threads = [threading.Thread(target=student, args=(s,)) for s in seats]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert failures == []

        for seat in seats:
            wait_for(lambda seat=seat: len(pods_in(kubelab_server, seat.name)) == PODS_EACH,
                     f"{seat.name}'s pods up to the quota", timeout=60)
        for seat, ws in zip(watched, sockets, strict=True):
            messages = receive_until(ws, lambda ms, seat=seat: sum(
                1 for o in objects_in(ms) if o["kind"] == "Pod"
                and o["metadata"]["namespace"] == seat.name) >= PODS_EACH)
            for obj in objects_in(messages):
                if obj["kind"] == "Node":
                    continue
                where = obj["metadata"].get("namespace") or obj["metadata"]["name"]
                assert where == seat.name, f"{seat.name} saw {obj['kind']} in {where}"
    finally:
        for ws in sockets:
            ws.close()
    # The quota held everywhere: never more pods than allowed, and the third one refused.
    for seat in seats:
        assert len(pods_in(kubelab_server, seat.name)) == PODS_EACH


def test_the_pod_over_quota_is_refused_and_not_created(kubelab_server, seats):
    seat = seats[-1]
    wait_for(lambda: len(pods_in(kubelab_server, seat.name)) == PODS_EACH, "quota full")
    status, body = request(kubelab_server, "POST", f"/api/v1/namespaces/{seat.name}/pods", {
        "metadata": {"name": "one-too-many"},
        "spec": {"containers": [{"name": "app", "image": "busybox"}]}}, token=seat.token)
    assert status == 403, body
    assert body["message"] == (
        f'pods "one-too-many" is forbidden: exceeded quota: student-quota, requested: '
        f"pods=1, used: pods={PODS_EACH}, limited: pods={PODS_EACH}")
    assert request(kubelab_server, "GET", f"/api/v1/namespaces/{seat.name}/pods/one-too-many",
                   token=seat.token)[0] == 404


def test_a_students_pods_get_the_default_requests(kubelab_server, seats):
    pod = wait_for(lambda: pods_in(kubelab_server, seats[0].name), "a pod")[0]
    assert pod["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "100m",
                                                                     "memory": "64Mi"}


def test_a_students_token_is_refused_in_every_other_namespace(kubelab_server, seats):
    me, others = seats[0], seats[1:]
    for other in others:
        status, body = request(kubelab_server, "GET", f"/api/v1/namespaces/{other.name}/pods",
                               token=me.token)
        assert status == 403, body
        assert body["reason"] == "Forbidden"
    assert request(kubelab_server, "GET", "/api/v1/nodes", token=me.token)[0] == 200
    assert request(kubelab_server, "DELETE", f"/api/v1/nodes/{uuid.uuid4().hex}",
                   token=me.token)[0] == 403


def test_status_used_shows_the_full_quota(kubelab_server, seats):
    path = f"/api/v1/namespaces/{seats[1].name}/resourcequotas/student-quota"
    used = wait_for(lambda: ((request(kubelab_server, "GET", path)[1].get("status") or {})
                             .get("used") or {}).get("pods") == str(PODS_EACH)
                    and request(kubelab_server, "GET", path)[1]["status"]["used"],
                    "status.used")
    assert used == {"pods": str(PODS_EACH), "requests.cpu": f"{100 * PODS_EACH}m",
                    "requests.memory": f"{64 * PODS_EACH}Mi"}


def _teacher(kubelab_server) -> requests.Session:
    http = requests.Session()
    for part in login_cookie(kubelab_server.url, kubelab_server.admin_token).split("; "):
        key, _, value = part.partition("=")
        http.cookies.set(key, value)
    http.headers.update({"X-CSRFToken": http.cookies["csrftoken"],
                         "Referer": f"{kubelab_server.url}/class"})
    return http


def test_the_teacher_downloads_a_students_kubeconfig(kubelab_server, seats):
    http = _teacher(kubelab_server)
    resp = http.get(f"{kubelab_server.url}/class/{seats[2].name}/kubeconfig", timeout=10)
    assert resp.status_code == 200
    assert seats[2].token in resp.text and f"namespace: {seats[2].name}" in resp.text
    page = http.get(f"{kubelab_server.url}/class", timeout=10)
    assert seats[2].code in page.text
    student = requests.Session()
    student.headers["Cookie"] = login_cookie(kubelab_server.url, seats[3].token)
    assert student.get(f"{kubelab_server.url}/class/{seats[2].name}/kubeconfig",
                       timeout=10).status_code == 403
    mine = student.get(f"{kubelab_server.url}/me/kubeconfig", timeout=10)
    assert mine.status_code == 200 and seats[3].token in mine.text


def test_resetting_a_student_keeps_only_the_quota_and_limits(kubelab_server, seats):
    seat = seats[4]
    wait_for(lambda: pods_in(kubelab_server, seat.name), "pods to reset")
    resp = _teacher(kubelab_server).post(f"{kubelab_server.url}/class/reset",
                                         data={"student": seat.name}, allow_redirects=False,
                                         timeout=30)
    assert resp.status_code == 302, resp.text
    base = f"/apis/apps/v1/namespaces/{seat.name}"
    assert request(kubelab_server, "GET", f"{base}/deployments")[1]["items"] == []
    wait_for(lambda: pods_in(kubelab_server, seat.name) == [], "the pods gone", timeout=60)
    for plural in ("resourcequotas", "limitranges"):
        items = request(kubelab_server, "GET",
                        f"/api/v1/namespaces/{seat.name}/{plural}")[1]["items"]
        assert len(items) == 1, plural
    # The neighbours are untouched.
    assert len(pods_in(kubelab_server, seats[5].name)) == PODS_EACH
