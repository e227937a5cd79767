"""Apply like kubectl apply from the editor: created, then unchanged, then configured after
a change (with a diff first); the Deployment's pods appear on the map; Delete removes it;
a live object opens in the editor without the server's noise."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.dashboard.editor_page import open_editor, type_text
from tests.dashboard.helpers import screenshot

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: kubelab/hello:1
        resources:
          requests:
            cpu: 50m
"""


def _apply(page, outcome: str) -> None:
    page.click("#apply-button")
    result = page.locator('#editor-results li[data-kind="Deployment"][data-name="web"]')
    expect(result).to_have_attribute("data-outcome", outcome, timeout=10_000)
    expect(result).to_contain_text(outcome)


def test_applying_a_deployment_creates_its_pods_then_reports_unchanged(page, kubelab_server,
                                                                       admin_api):
    ns = admin_api.namespace("apply")
    open_editor(page, kubelab_server.url, ns)
    type_text(page, DEPLOYMENT)
    _apply(page, "created")

    map_page = page.context.new_page()
    map_page.goto(kubelab_server.url + "/")
    expect(map_page.locator(f'.pod[data-ns="{ns}"]')).to_have_count(2, timeout=30_000)
    map_page.close()

    _apply(page, "unchanged")

    type_text(page, DEPLOYMENT.replace("replicas: 2", "replicas: 3"))
    page.click("#diff-button")
    diff = page.locator('#editor-diff pre[data-name="web"]')
    expect(diff).to_have_attribute("data-outcome", "configured")
    expect(diff.locator(".diff-del")).to_contain_text(["-  replicas: 2"])
    expect(diff.locator(".diff-add").filter(has_text="replicas")).to_have_text("+  replicas: 3")
    screenshot(page, "editor-diff")
    _apply(page, "configured")
    dep = admin_api.call("GET", f"/apis/apps/v1/namespaces/{ns}/deployments/web")
    assert dep["spec"]["replicas"] == 3

    page.click("#delete-button")
    page.locator("dialog#confirm button[value=yes]").click()
    expect(page.locator('#editor-results li[data-name="web"]')).to_have_attribute(
        "data-outcome", "deleted")


def test_a_live_object_opens_in_the_editor_without_server_noise(page, kubelab_server,
                                                                admin_api):
    ns = admin_api.namespace("open")
    admin_api.call("POST", f"/api/v1/namespaces/{ns}/pods", {
        "metadata": {"name": "solo"},
        "spec": {"containers": [{"name": "app", "image": "kubelab/hello:1"}]}})
    open_editor(page, kubelab_server.url, query=f"?kind=Pod&namespace={ns}&name=solo")
    page.wait_for_function("() => window.kubelabEditor.getValue().includes('name: solo')")
    text = page.evaluate("() => window.kubelabEditor.getValue()")
    assert text.startswith("apiVersion: v1\nkind: Pod\nmetadata:")
    for noise in ("resourceVersion", "uid:", "creationTimestamp", "managedFields", "status:"):
        assert noise not in text
    assert page.input_value("#editor-namespace") == ns
    expect(page.locator("#editor-status")).to_have_attribute("data-state", "ok")


def test_an_unknown_object_is_a_readable_error(page, kubelab_server):
    open_editor(page, kubelab_server.url, query="?kind=Pod&namespace=nowhere&name=ghost")
    expect(page.locator("#editor-status")).to_have_attribute("data-state", "error")
    expect(page.locator("#editor-status")).to_contain_text('pods "ghost" not found')
