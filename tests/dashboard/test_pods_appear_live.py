"""Pods created through the API appear on an open map within a second, and leave it."""
from __future__ import annotations

import time
import uuid

from playwright.sync_api import expect

from tests.dashboard.helpers import deployment_body


def test_it_shows_a_deployments_pods_within_one_second(page, admin_api):
    ns = admin_api.namespace("live")
    node = f"m-live-{uuid.uuid4().hex[:4]}"
    admin_api.private_node(node)
    dep = admin_api.call("POST", f"/apis/apps/v1/namespaces/{ns}/deployments",
                         deployment_body("web", {"app": "web"}, replicas=3))
    owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
             "uid": dep["metadata"]["uid"], "controller": True}
    # Created directly: the ReplicaSet controller may not be running in this build.
    names = [f"web-{i}" for i in range(3)]
    started = time.monotonic()
    for i, name in enumerate(names):
        admin_api.pod(ns, name, {"app": "web"}, node=node if i else "", owner=owner)
    for name in names:
        expect(page.locator(f'.pod[data-ns="{ns}"][data-name="{name}"]')).to_be_visible(
            timeout=max(1, int((started + 1.0 - time.monotonic()) * 1000)))
    chip = page.locator(f'.node[data-name="{node}"] .pod[data-name="web-1"]')
    expect(chip).to_have_attribute("title", f"{ns}/web-1\nContainerCreating\n"
                                   f"owner: Deployment/web\nlabels:\napp=web")

    # A bound pod waits for its kubelet to stop it; a zero grace period removes it at once.
    admin_api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/web-2")
    expect(page.locator(f'.pod[data-ns="{ns}"][data-name="web-2"]')).to_have_attribute(
        "data-state", "Terminating")
    admin_api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/web-1", gracePeriodSeconds=0)
    expect(page.locator(f'.pod[data-ns="{ns}"][data-name="web-1"]')).to_have_count(0)
