"""Applying any gallery example a second time reports every object "unchanged", even after
controllers, the scheduler and defaulting have changed the live objects (no browser: the
editor's JSON endpoint with a logged-in cookie, as the page sends it)."""
from __future__ import annotations

import time

import pytest
import requests

from dashboard.editor_gallery import examples
from tests.dashboard.wsclient import login_cookie


@pytest.fixture(scope="module")
def editor(kubelab_server):
    http = requests.Session()
    cookie = login_cookie(kubelab_server.url, kubelab_server.admin_token)
    http.headers.update({"Cookie": cookie, "X-CSRFToken": cookie.split("csrftoken=")[1]
                         .split(";")[0], "Referer": kubelab_server.url + "/editor"})

    def post(path: str, **body) -> dict:
        resp = http.post(f"{kubelab_server.url}/ui/editor/{path}", json=body, timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()
    return post


def _wait_for_pods(admin_api, ns: str) -> None:
    """Until the controllers and scheduler have acted on what was applied."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        pods = admin_api.call("GET", f"/api/v1/namespaces/{ns}/pods")["items"]
        if pods and any(p["spec"].get("nodeName") for p in pods):
            return
        time.sleep(0.2)


@pytest.mark.parametrize("example", examples(), ids=lambda e: e["id"])
def test_a_second_apply_is_unchanged(editor, admin_api, example):
    ns = admin_api.namespace("again")
    first = editor("apply", text=example["text"], namespace=ns, vocabulary="borg")
    assert first["errors"] == [] and first["applied"]
    assert {r["outcome"] for r in first["results"]} <= {"created", "configured"}
    _wait_for_pods(admin_api, ns)
    second = editor("apply", text=example["text"], namespace=ns, vocabulary="borg")
    assert [(r["kind"], r["name"], r["outcome"]) for r in second["results"]] == [
        (r["kind"], r["name"], "unchanged") for r in first["results"]]


def test_errors_are_messages_never_tracebacks(editor):
    for text in ("", "- just\n- a list\n", "kind: Nothing\n", "apiVersion: v1\nkind: Pod\n",
                 "\t bad: [", "a: " + "[" * 5000, {"not": "text"}):
        answer = editor("check", text=text, namespace="")
        for error in answer["errors"]:
            assert error["message"] and "Traceback" not in error["message"]
    assert editor("apply", text="")["errors"][0]["message"].startswith("there is nothing")
