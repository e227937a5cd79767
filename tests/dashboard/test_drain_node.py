"""Draining a node from the UI cordons it and its pods are re-created on other nodes."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.dashboard.test_kill_node import _deployment, _pods


def test_it_drains_a_node(page, admin_api):
    ns = admin_api.namespace("drain")
    admin_api.call("POST", f"/apis/apps/v1/namespaces/{ns}/deployments",
                   _deployment("web", {"app": "web"}, replicas=3))
    page.select_option("#namespace-filter", ns)
    running = page.locator(f'.node .pod[data-ns="{ns}"]'
                           ':is([data-state="Running"], [data-state="Ready"])')
    expect(running).to_have_count(3, timeout=30_000)
    victim = next(p["spec"]["nodeName"] for p in _pods(admin_api, ns))
    node = page.locator(f'.node[data-name="{victim}"]')
    try:
        node.locator(".node-name").click()
        page.locator("#details button.drain").click()
        dialog = page.locator("dialog#confirm")
        expect(dialog).to_be_visible()
        dialog.locator("button[value=yes]").click()
        expect(node).to_have_class(re.compile(r"\bcordoned\b"))
        expect(node.locator(f'.pod[data-ns="{ns}"]')).to_have_count(0, timeout=30_000)
        expect(running).to_have_count(3, timeout=30_000)
        assert all(p["spec"].get("nodeName") != victim for p in _pods(admin_api, ns))
    finally:
        admin_api.http.patch(f"{admin_api.url}/api/v1/nodes/{victim}",
                             json={"spec": {"unschedulable": None}},
                             headers={"Content-Type": "application/merge-patch+json"},
                             timeout=10)

