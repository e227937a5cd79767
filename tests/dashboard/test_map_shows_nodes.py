"""The map page loads, shows nodes created through the API, grouped by zone."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.dashboard.helpers import screenshot


def test_it_shows_nodes_with_capacity_and_zone(page, admin_api):
    suffix = uuid.uuid4().hex[:4]
    admin_api.private_node(f"m-a-{suffix}", zone="zone-a")
    admin_api.private_node(f"m-b-{suffix}", zone="zone-b", cpu="2")
    ns = admin_api.namespace("map")
    admin_api.pod(ns, "web-1", {"app": "web"}, node=f"m-a-{suffix}")
    # Fits nowhere, so it stays pending even when the scheduler is running.
    admin_api.pod(ns, "waiting-1", {"app": "web"}, node_selector={"kubelab.io/none": "x"})

    node = page.locator(f'.node[data-name="m-a-{suffix}"]')
    expect(node).to_be_visible()
    expect(page.locator(f'.zone[data-zone="zone-b"] .node[data-name="m-b-{suffix}"]')) \
        .to_be_visible()
    expect(node.locator('.pod[data-name="web-1"]')).to_be_visible()
    expect(node.locator('.bar[data-resource="cpu"] .value')).to_have_text("250m / 4000m")
    expect(node.locator(".taints")).to_have_text("kubelab.io/test=private:NoSchedule")
    expect(page.locator('#pending-lane .pod[data-name="waiting-1"]')).to_have_attribute(
        "data-state", "Pending")
    screenshot(page, "map")


def test_it_sends_an_anonymous_visitor_to_the_login_page(browser, kubelab_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(kubelab_server.url + "/")
    expect(page.locator("#token")).to_be_visible()
    screenshot(page, "login")
    context.close()
