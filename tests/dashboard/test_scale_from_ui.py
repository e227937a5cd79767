"""Scaling from the map's workload list changes spec.replicas in the store."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.dashboard.helpers import deployment_body, screenshot


def test_it_scales_a_deployment_up_from_the_ui(page, admin_api):
    ns = admin_api.namespace("scale")
    path = f"/apis/apps/v1/namespaces/{ns}/deployments"
    admin_api.call("POST", path, deployment_body("api", {"app": "api"}, replicas=1))
    page.select_option("#namespace-filter", ns)
    row = page.locator('.workload[data-kind="Deployment"][data-name="api"]')
    expect(row.locator(".replicas")).to_have_attribute("data-want", "1")
    row.locator(".scale-up").click()
    # The store's event came back over the socket.
    expect(row.locator(".replicas")).to_have_attribute("data-want", "2")
    assert admin_api.call("GET", f"{path}/api")["spec"]["replicas"] == 2
    screenshot(page, "workloads")


def test_it_asks_before_scaling_to_zero(page, admin_api):
    ns = admin_api.namespace("zero")
    path = f"/apis/apps/v1/namespaces/{ns}/deployments"
    admin_api.call("POST", path, deployment_body("db", {"app": "db"}, replicas=1))
    page.select_option("#namespace-filter", ns)
    row = page.locator('.workload[data-kind="Deployment"][data-name="db"]')
    row.locator(".scale-down").click()
    dialog = page.locator("dialog#confirm")
    expect(dialog).to_be_visible()
    dialog.locator("button[value=yes]").click()
    expect(row.locator(".replicas")).to_have_attribute("data-want", "0")
    assert admin_api.call("GET", f"{path}/db")["spec"]["replicas"] == 0
