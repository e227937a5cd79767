"""Validation as you type: YAML syntax errors and the server's dry-run causes, each at its
line (underlined in CodeMirror and listed under the editor)."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from cluster.kubeconfig import token_in
from tests.dashboard.conftest import login
from tests.dashboard.editor_page import error_at, marks, open_editor, type_text
from tests.dashboard.helpers import screenshot

BAD_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  name: broken
  labels: {app: web
spec:
  containers: []
"""

UNKNOWN_FIELD = """\
apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
  - name: app
    image: kubelab/hello:1
    imagePolicy: Always
"""

MISSING_IMAGE = """\
apiVersion: v1
kind: Pod
metadata:
  name: fine
spec:
  containers:
  - name: app
    image: kubelab/hello:1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: noimage
spec:
  replicas: 1
  selector:
    matchLabels: {app: noimage}
  template:
    metadata:
      labels: {app: noimage}
    spec:
      containers:
      - name: app
        ports:
        - containerPort: 8080
"""


def test_invalid_yaml_shows_a_syntax_error_at_its_line(page, kubelab_server, admin_api):
    open_editor(page, kubelab_server.url, admin_api.namespace("yaml"))
    type_text(page, BAD_YAML)
    item = error_at(page, 6)
    expect(item).to_contain_text("YAML syntax error")
    assert [m["line"] for m in marks(page)] == [6]
    expect(page.locator("#editor-status")).to_have_attribute("data-state", "invalid")


def test_an_unknown_field_is_reported_at_its_line(page, kubelab_server, admin_api):
    open_editor(page, kubelab_server.url, admin_api.namespace("strict"))
    type_text(page, UNKNOWN_FIELD)
    expect(error_at(page, 9)).to_contain_text('unknown field "spec.containers[0].imagePolicy"')
    assert [m["line"] for m in marks(page)] == [9]


def test_a_missing_image_is_reported_at_the_containers_line(page, kubelab_server, admin_api):
    open_editor(page, kubelab_server.url, admin_api.namespace("image"))
    type_text(page, MISSING_IMAGE)
    item = error_at(page, 23)
    expect(item).to_contain_text("spec.template.spec.containers[0].image: Required value")
    assert marks(page) == [{"line": 23, "message": item.first.evaluate(
        "(li) => li.lastChild.textContent")}]
    assert page.locator("#editor-errors li").count() == 1  # the Pod above it is fine
    screenshot(page, "editor-missing-image")


def test_a_valid_manifest_is_dry_run_without_creating_anything(page, kubelab_server, admin_api):
    ns = admin_api.namespace("dry")
    open_editor(page, kubelab_server.url, ns)
    type_text(page, UNKNOWN_FIELD.replace("    imagePolicy: Always\n", ""))
    expect(page.locator("#editor-status")).to_have_attribute("data-state", "ok")
    assert page.locator("#editor-errors li").count() == 0
    assert admin_api.call("GET", f"/api/v1/namespaces/{ns}/pods")["items"] == []


@pytest.fixture(scope="module")
def student(kubelab_server) -> tuple[str, str]:
    name = f"ed-{uuid.uuid4().hex[:5]}"
    done = kubelab_server.manage("create-student", name)
    assert done.returncode == 0, done.stderr
    return name, token_in(kubelab_server.var_dir / "students" / f"{name}.kubeconfig")


def test_a_students_token_only_reaches_its_namespace(browser, kubelab_server, admin_api,
                                                     student):
    ns, token = student
    other = admin_api.namespace("other")
    page = login(browser, kubelab_server.url, token)
    try:
        open_editor(page, kubelab_server.url)
        assert page.input_value("#editor-namespace") == ns  # its own namespace by default
        type_text(page, UNKNOWN_FIELD.replace("    imagePolicy: Always\n", "")
                  .replace("  name: typo\n", f"  name: typo\n  namespace: {other}\n"))
        expect(page.locator("#editor-errors li").first).to_contain_text("forbidden")
        expect(page.locator("#editor-errors li").first).not_to_contain_text("Traceback")
    finally:
        page.context.close()
