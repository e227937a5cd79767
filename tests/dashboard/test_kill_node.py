"""Killing a node from the UI: it turns NotReady on the map and its pods come back elsewhere."""
from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.dashboard.helpers import screenshot

SIMULATED = {"kubelab.io/simulated": "true"}
SETTINGS = "/api/v1/namespaces/kube-system/configmaps/kubelab-settings"


def _deployment(name: str, labels: dict, replicas: int) -> dict:
    # Only the simulated nodes have kubelets; other tests' hand-made nodes have none.
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {
                         "nodeSelector": SIMULATED,
                         "containers": [{"name": "app", "image": "busybox"}]}}}}


def _pods(admin_api, ns: str) -> list[dict]:
    return admin_api.call("GET", f"/api/v1/namespaces/{ns}/pods")["items"]


def test_it_kills_a_node_and_its_pods_reappear_on_other_nodes(page, admin_api):
    ns = admin_api.namespace("kill")
    admin_api.call("POST", f"/apis/apps/v1/namespaces/{ns}/deployments",
                   _deployment("web", {"app": "web"}, replicas=4))
    page.select_option("#namespace-filter", ns)
    running = page.locator(f'.node .pod[data-ns="{ns}"]'
                           ':is([data-state="Running"], [data-state="Ready"])')
    expect(running).to_have_count(4, timeout=30_000)
    victim = next(p["spec"]["nodeName"] for p in _pods(admin_api, ns))
    node = page.locator(f'.node[data-name="{victim}"]')
    try:
        node.locator(".node-name").click()
        page.locator("#details button.kill").click()
        dialog = page.locator("dialog#confirm")
        expect(dialog).to_be_visible()
        dialog.locator("button[value=yes]").click()
        expect(node).to_have_attribute("data-ready", "NotReady", timeout=45_000)
        # Evicted, then re-created by the ReplicaSet and placed on the live nodes.
        expect(node.locator(f'.pod[data-ns="{ns}"]')).to_have_count(0, timeout=60_000)
        expect(running).to_have_count(4, timeout=30_000)
        assert all(p["spec"].get("nodeName") != victim for p in _pods(admin_api, ns))
        screenshot(page, "node-killed")
        node.locator(".node-name").click()
        page.locator("#details button.revive").click()
        expect(node).to_have_attribute("data-ready", "Ready", timeout=45_000)
    finally:
        data = admin_api.call("GET", SETTINGS).get("data") or {}
        left = ",".join(n for n in data.get("simulator.failedNodes", "").split(",")
                        if n and n != victim)
        admin_api.http.patch(admin_api.url + SETTINGS,
                             data=json.dumps({"data": {"simulator.failedNodes": left}}),
                             headers={"Content-Type": "application/merge-patch+json"},
                             timeout=10)
