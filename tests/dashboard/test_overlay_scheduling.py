"""The scheduling overlay on a 3-node cluster: every node's verdict matches the decision
the scheduler stored; a pod that fits nowhere says why in plain words, grouped by
reason; the profile comparison matches a dry run asked of the server."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.dashboard.conftest import login
from tests.dashboard.helpers import screenshot
from tests.dashboard.private_cluster import (
    NODES,
    decision_of,
    own_cluster,
    server_dry_run,
)
from tests.waiting import wait_for

PROFILES = ["default-scheduler", "borg-worst-fit", "borg-best-fit", "borg-hybrid"]


cluster, api = own_cluster("overlay", "cluster", "api")


@pytest.fixture
def page(browser, cluster, api):
    page = login(browser, cluster.url, cluster.admin_token)
    yield page
    page.context.close()


def pod(name: str, cpu: str, node: str = "", avoid: str = "") -> dict:
    spec: dict = {"containers": [{"name": "app", "image": "busybox", "resources": {
        "requests": {"cpu": cpu, "memory": "64Mi"}}}]}
    if node:
        spec["nodeName"] = node
    if avoid:  # a required node affinity that rules one node out, for a "rejected" verdict
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{
                "key": "kubernetes.io/hostname", "operator": "NotIn", "values": [avoid]}]}]}}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}},
            "spec": spec}


def select_pod(page, ns: str, name: str) -> None:
    page.select_option("#namespace-filter", ns)
    page.locator(f'.pod[data-ns="{ns}"][data-name="{name}"]').click()
    expect(page.locator("#overlay-banner")).to_be_visible()


def test_it_shows_a_verdict_for_every_node_matching_the_stored_decision(page, api):
    ns = api.namespace("ovl")
    # A pod already on node-1 makes the scores differ from node to node.
    api.call("POST", f"/api/v1/namespaces/{ns}/pods", pod("filler", "2", node="node-1"))
    api.call("POST", f"/api/v1/namespaces/{ns}/pods", pod("web", "500m", avoid="node-3"))
    decision = decision_of(api, ns, "web")
    assert decision["node"], decision
    select_pod(page, ns, "web")
    nodes = page.locator("#map article.node")
    expect(nodes).to_have_count(len(NODES))
    for name in NODES:
        expect(page.locator(f'#map article.node[data-name="{name}"]')).to_have_attribute(
            "data-verdict", re.compile(r"^(winner|feasible|rejected)$"))
    filters = decision["filters"]
    assert set(filters) == set(NODES)
    scores = {s["node"]: s for s in decision["scores"]}
    for name, verdict in filters.items():
        node = page.locator(f'#map article.node[data-name="{name}"]')
        if not verdict["passed"]:
            assert node.get_attribute("data-verdict") == "rejected"
            reasons = node.locator(".verdict-reason").all_text_contents()
            assert reasons == verdict["reasons"]
            assert node.locator(".verdict-plugin").text_content() == verdict["plugin"]
            continue
        want = "winner" if name == decision["node"] else "feasible"
        assert node.get_attribute("data-verdict") == want
        assert node.locator(".verdict-total").text_content() == f"score {scores[name]['total']}"
        shown = {seg.get_attribute("data-plugin"): int(seg.get_attribute("data-weighted"))
                 for seg in node.locator(".score-bar .seg").all()}
        stored = {p: w for p, w in zip(decision["plugins"], scores[name]["weighted"], strict=True)
                  if w}
        assert shown == stored, name
    assert filters["node-3"]["passed"] is False
    screenshot(page, "overlay-verdicts")
    page.keyboard.press("Escape")
    expect(page.locator("#overlay-banner")).to_be_hidden()
    expect(page.locator("#map article.node[data-verdict]")).to_have_count(0)


def test_it_explains_in_plain_words_why_a_pod_fits_nowhere(page, api):
    ns = api.namespace("big")
    api.call("POST", f"/api/v1/namespaces/{ns}/pods", pod("huge", "64"))
    decision = decision_of(api, ns, "huge")
    assert decision["node"] is None and decision["rejections"] == {"Insufficient cpu": 3}
    select_pod(page, ns, "huge")
    group = page.locator('#details .why-group[data-topic="cpu"]')
    expect(group).to_have_attribute("data-count", "3")
    expect(group).to_contain_text("3 nodes do not have enough free CPU")
    expect(group).to_contain_text(
        "asks for 64 CPU, more than the largest node has in total (4 CPU)")
    expect(group.locator(".why-nodes")).to_have_text("(node-1, node-2, node-3)")
    expect(page.locator("#details .why-summary")).to_have_text(
        "None of the 3 nodes can take this pod:")
    expect(page.locator("#map article.node.sched-rejected")).to_have_count(3)
    # In Borg words the same explanation speaks of machines and allocs.
    page.select_option("#vocab-switch", "borg")
    page.locator(f'.pod[data-ns="{ns}"][data-name="huge"]').click()
    expect(page.locator('#details .why-group[data-topic="cpu"]')).to_contain_text(
        "3 machines do not have enough free CPU for it: the alloc asks for 64 CPU")
    page.select_option("#vocab-switch", "k8s")
    screenshot(page, "overlay-why-pending")


def test_it_compares_profiles_as_the_servers_dry_run_does(page, api, cluster):
    ns = api.namespace("cmp")
    api.call("POST", f"/api/v1/namespaces/{ns}/pods", pod("filler", "2", node="node-1"))
    api.call("POST", f"/api/v1/namespaces/{ns}/pods", pod("probe", "500m"))
    decision_of(api, ns, "probe")
    wait_for(lambda: api.call("GET", f"/api/v1/namespaces/{ns}/pods/filler")["status"]
             .get("phase") == "Running", "the filler pod running")
    select_pod(page, ns, "probe")
    page.locator("#details button.compare-profiles-button").click()
    rows = page.locator("#details .compare-profiles tr")
    expect(rows).to_have_count(len(PROFILES))
    shown = {r.get_attribute("data-profile"): r.get_attribute("data-node") for r in rows.all()}
    want = server_dry_run(cluster, ns, "probe", PROFILES)
    assert shown == want
    # Spreading and packing disagree here: a pod already fills half of node-1.
    assert want["borg-best-fit"] != want["borg-worst-fit"], want
    for profile, node in want.items():
        marker = page.locator(f'#map article.node[data-name="{node}"] '
                              f'.profile-marker[data-profile="{profile}"]')
        expect(marker).to_have_count(1)
    screenshot(page, "overlay-compare-profiles")
