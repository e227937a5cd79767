"""Restarting a Deployment and changing its image from the details panel."""
from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.dashboard.helpers import deployment_body


def _open(page, ns: str, name: str) -> None:
    page.select_option("#namespace-filter", ns)
    page.locator(f'.workload[data-kind="Deployment"][data-name="{name}"] button.objname').click()
    expect(page.locator("#details button.restart")).to_be_visible()


def _confirm(page) -> None:
    dialog = page.locator("dialog#confirm")
    expect(dialog).to_be_visible()
    dialog.locator("button[value=yes]").click()


def _poll(fetch, check, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while True:
        value = fetch()
        if check(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_it_restarts_a_deployment_with_a_template_annotation(page, admin_api):
    ns = admin_api.namespace("restart")
    path = f"/apis/apps/v1/namespaces/{ns}/deployments"
    admin_api.call("POST", path, deployment_body("api", {"app": "api"}))
    _open(page, ns, "api")
    page.locator("#details button.restart").click()
    _confirm(page)
    dep = _poll(lambda: admin_api.call("GET", f"{path}/api"),
                lambda d: "kubectl.kubernetes.io/restartedAt" in (
                    d["spec"]["template"]["metadata"].get("annotations") or {}))
    assert "kubectl.kubernetes.io/restartedAt" in dep["spec"]["template"]["metadata"]["annotations"]


def test_it_changes_a_deployments_image(page, admin_api):
    ns = admin_api.namespace("image")
    path = f"/apis/apps/v1/namespaces/{ns}/deployments"
    admin_api.call("POST", path, deployment_body("api", {"app": "api"}))
    _open(page, ns, "api")
    page.fill("#details .image-input", "busybox:1.36")
    page.locator("#details button.set-image").click()
    _confirm(page)
    image = lambda d: d["spec"]["template"]["spec"]["containers"][0]["image"]  # noqa: E731
    dep = _poll(lambda: admin_api.call("GET", f"{path}/api"), lambda d: image(d) == "busybox:1.36")
    assert image(dep) == "busybox:1.36"
