"""A typed selector lights up exactly the pods the API's labelSelector returns."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

PODS = {
    "fe-1": {"app": "web", "tier": "frontend"},
    "fe-2": {"app": "web", "tier": "frontend", "canary": "true"},
    "be-1": {"app": "web", "tier": "backend"},
    "db-1": {"app": "db", "tier": "data"},
    "bare": {},
}
SELECTORS = ["app=web,tier in (frontend,backend),!canary", "tier notin (frontend)",
             "canary", "app!=web", "app==db,tier"]


@pytest.fixture(scope="module")
def labelled_ns(admin_api) -> str:
    ns = admin_api.namespace("sel")
    for name, labels in PODS.items():
        # Placed nowhere, so no kubelet or eviction changes the set while the tests run.
        admin_api.pod(ns, name, labels, node_selector={"kubelab.io/none": "x"})
    return ns


@pytest.mark.parametrize("selector", SELECTORS)
def test_it_highlights_what_the_api_selects(page, admin_api, labelled_ns, selector):
    page.select_option("#namespace-filter", labelled_ns)
    expect(page.locator(f'.pod[data-ns="{labelled_ns}"]')).to_have_count(len(PODS))
    page.fill("#selector", selector)
    listed = admin_api.call("GET", f"/api/v1/namespaces/{labelled_ns}/pods",
                            labelSelector=selector)
    want = sorted(p["metadata"]["name"] for p in listed["items"])
    expect(page.locator("#match-count")).to_have_text(f"{len(want)} match")
    lit = sorted(page.locator(".pod.match").evaluate_all("els => els.map(e => e.dataset.name)"))
    assert lit == want


def test_it_explains_a_malformed_selector(page):
    page.fill("#selector", "app in (web")
    message = page.locator("#selector-error")
    expect(message).to_be_visible()
    expect(message).to_contain_text("unable to parse")
    expect(page.locator(".pod.match")).to_have_count(0)
    page.fill("#selector", "")
    expect(message).to_be_hidden()
