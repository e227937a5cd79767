"""A student's socket carries only its own namespace's objects (and nodes); Origin is checked."""
from __future__ import annotations

import uuid

import pytest
import websocket

from cluster.kubeconfig import token_in
from tests.dashboard.wsclient import login_cookie, objects_in, open_socket, receive_until


@pytest.fixture(scope="module")
def student(kubelab_server) -> tuple[str, str]:
    name = f"stu-{uuid.uuid4().hex[:5]}"
    done = kubelab_server.manage("create-student", name)
    assert done.returncode == 0, done.stderr
    token = token_in(kubelab_server.var_dir / "students" / f"{name}.kubeconfig")
    return name, token


def test_it_never_sends_a_student_another_namespace(kubelab_server, admin_api, student):
    ns, token = student
    other = admin_api.namespace("other")
    admin_api.pod(other, "secret-before", {"app": "x"})
    ws = open_socket(kubelab_server.url, login_cookie(kubelab_server.url, token))
    try:
        receive_until(ws, lambda ms: any(m["type"] == "snapshot" for m in ms))
        admin_api.pod(other, "secret-after", {"app": "x"})
        admin_api.pod(ns, "mine", {"app": "x"})
        messages = receive_until(ws, lambda ms: any(
            o["metadata"]["name"] == "mine" for o in objects_in(ms)))
    finally:
        ws.close()
    for obj in objects_in(messages):
        if obj["kind"] == "Node":
            continue
        where = obj["metadata"].get("namespace") or obj["metadata"]["name"]
        assert where == ns, f"student saw {obj['kind']} {obj['metadata']['name']} in {where}"


def test_it_rejects_a_socket_from_another_origin(kubelab_server):
    cookie = login_cookie(kubelab_server.url, kubelab_server.admin_token)
    with pytest.raises(websocket.WebSocketBadStatusException):
        open_socket(kubelab_server.url, cookie, origin="http://evil.example")


def test_it_rejects_a_socket_without_login(kubelab_server):
    with pytest.raises(websocket.WebSocketBadStatusException):
        open_socket(kubelab_server.url, "")


def test_it_resumes_from_the_last_revision_after_a_reconnect(kubelab_server, admin_api):
    ns = admin_api.namespace("resume")
    cookie = login_cookie(kubelab_server.url, kubelab_server.admin_token)
    ws = open_socket(kubelab_server.url, cookie)
    snap = receive_until(ws, lambda ms: bool(ms))[0]
    assert snap["type"] == "snapshot"
    ws.close()
    admin_api.pod(ns, "while-away", {"app": "x"})  # committed while no socket is open
    ws = open_socket(kubelab_server.url, cookie, rv=snap["rv"])
    try:
        messages = receive_until(ws, lambda ms: any(
            o["metadata"]["name"] == "while-away" for o in objects_in(ms)))
    finally:
        ws.close()
    assert messages[0] == {"type": "resume", "rv": snap["rv"]}
    assert not any(m["type"] == "snapshot" for m in messages)
