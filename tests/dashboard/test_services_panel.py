"""The Services tab: address, ports, links to the pods behind it, and "send 20 requests"."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.dashboard.helpers import screenshot
from tests.dashboard.private_cluster import own_cluster
from tests.dashboard.test_kill_node import _deployment

# Its own quiet cluster: see tests/dashboard/private_cluster.py.
kubelab_server, admin_api = own_cluster("services")


def test_it_lists_a_service_with_its_endpoints_and_probes_it(page, admin_api):
    ns = admin_api.namespace("svc")
    admin_api.call("POST", f"/apis/apps/v1/namespaces/{ns}/deployments",
                   _deployment("web", {"app": "web"}, replicas=2))
    admin_api.call("POST", f"/api/v1/namespaces/{ns}/services", {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "selector": {"app": "web"},
                 "ports": [{"port": 80, "targetPort": 8080}]}})
    svc = admin_api.call("GET", f"/api/v1/namespaces/{ns}/services/web")
    node_port = svc["spec"]["ports"][0].get("nodePort")
    page.select_option("#namespace-filter", ns)
    page.click('[data-tab="tab-services"]')
    row = page.locator(f'.service[data-ns="{ns}"][data-name="web"]')
    expect(row.locator(".addr")).to_contain_text(svc["spec"].get("clusterIP") or "NodePort")
    if node_port:
        expect(row.locator(".addr")).to_contain_text(f"nodePort {node_port}")
    # The endpoints controller lists both pods once they are ready.
    expect(row.locator(".endpoints")).to_have_attribute("data-count", "2", timeout=30_000)
    row.locator(".endpoint").first.click()
    expect(page.locator("#details h2")).to_contain_text("web-")
    page.locator("#details .close").click()
    row.locator(".send-requests").click()
    # Either pods answered (a chart) or a clear sentence says nothing did.
    outcome = row.locator(".probe-note.error, .probe-chart:not([hidden])").first
    expect(outcome).to_be_visible(timeout=30_000)
    if row.locator(".probe-note.error").count():
        expect(row.locator(".probe-note")).to_have_text(re.compile(r"Nothing answered|no nodePort"))
    screenshot(page, "services")
