"""The map redraws only what changed, and must still agree with the store: node bars follow
pods coming and going, a chip waits in the pending lane until its node registers and goes
back there when the node leaves, and a snapshot too large for one websocket message (sent
in parts, dashboard/frames.py) is drawn whole."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.dashboard.conftest import login
from tests.dashboard.wsclient import login_cookie, open_socket, receive_until


def remove(admin_api, ns: str, pods: list[str], node: str | None) -> None:
    """Take a test's objects away: bound pods at once (no kubelet here would stop them),
    then the namespace and the node, which other tests count on to find theirs."""
    for name in pods:
        admin_api.http.delete(f"{admin_api.url}/api/v1/namespaces/{ns}/pods/{name}",
                              params={"gracePeriodSeconds": 0}, timeout=10)
    admin_api.call("DELETE", f"/api/v1/namespaces/{ns}")
    if node:
        admin_api.call("DELETE", f"/api/v1/nodes/{node}")


def test_it_keeps_a_nodes_bars_in_step_as_its_pods_come_and_go(page, admin_api):
    node = f"m-inc-{uuid.uuid4().hex[:4]}"
    admin_api.private_node(node)
    ns = admin_api.namespace("inc")
    try:
        box = page.locator(f'.node[data-name="{node}"]')
        cpu = box.locator('.bar[data-resource="cpu"] .value')
        pods = box.locator('.bar[data-resource="pods"] .value')
        expect(cpu).to_have_text("0m / 4000m")
        for name in ("a", "b", "c"):
            admin_api.pod(ns, name, {"app": "inc"}, node=node)
        expect(cpu).to_have_text("750m / 4000m")
        expect(pods).to_have_text("3 / 110")
        resp = admin_api.http.patch(f"{admin_api.url}/api/v1/namespaces/{ns}/pods/b",
                                    json={"metadata": {"labels": {"x": "1"}}}, timeout=10,
                                    headers={"Content-Type": "application/merge-patch+json"})
        assert resp.status_code == 200, resp.text
        admin_api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/a", gracePeriodSeconds=0)
        expect(cpu).to_have_text("500m / 4000m")
        expect(pods).to_have_text("2 / 110")
        expect(box.locator('.pod[data-name="b"]')).to_have_attribute(
            "title", f"{ns}/b\nContainerCreating\nowner: (none)\nlabels:\napp=inc\nx=1")
    finally:  # other tests find their nodes by position on the map
        remove(admin_api, ns, ["b", "c"], node)


def test_it_moves_a_chip_between_the_pending_lane_and_its_node(page, admin_api):
    node = f"m-late-{uuid.uuid4().hex[:4]}"
    ns = admin_api.namespace("late")
    admin_api.pod(ns, "early", {"app": "late"}, node=node)  # bound to a node not there yet
    in_lane = page.locator(f'#pending-lane .pod[data-ns="{ns}"][data-name="early"]')
    expect(in_lane).to_have_count(1)
    admin_api.private_node(node)
    box = page.locator(f'.node[data-name="{node}"]')
    expect(box.locator(f'.pod[data-ns="{ns}"][data-name="early"]')).to_have_count(1)
    expect(in_lane).to_have_count(0)
    expect(box.locator('.bar[data-resource="cpu"] .value')).to_have_text("250m / 4000m")
    admin_api.call("DELETE", f"/api/v1/nodes/{node}")
    expect(box).to_have_count(0)
    expect(in_lane).to_have_count(1)
    remove(admin_api, ns, ["early"], None)


def test_it_draws_a_snapshot_larger_than_one_websocket_message(browser, kubelab_server,
                                                                admin_api):
    ns = admin_api.namespace("big")
    node = f"m-big-{uuid.uuid4().hex[:4]}"
    admin_api.private_node(node)
    names = [f"wide-{i:02d}" for i in range(30)]
    try:
        for name in names:  # 40 KB each: 1.2 MB in all, over daphne's 1 MiB per message
            body = {"metadata": {"name": name, "labels": {"app": "wide"},
                                 "annotations": {"kubelab.io/filler": "x" * 40_000}},
                    "spec": {"nodeName": node, "containers": [{"name": "app", "image": "busybox"}]}}
            admin_api.call("POST", f"/api/v1/namespaces/{ns}/pods", body)
        ws = open_socket(kubelab_server.url, login_cookie(kubelab_server.url,
                                                          kubelab_server.admin_token))
        try:
            first = receive_until(ws, lambda ms: bool(ms))[0]
            assert first["type"] == "snapshot" and first["parts"] >= 3
            rest = receive_until(ws, lambda ms: len(ms) == first["parts"] - 1)
        finally:
            ws.close()
        assert all(m["type"] == "snapshot.part" for m in rest)
        sent = {o["metadata"]["name"] for m in [first, *rest] for o in m["objects"]
                if o["metadata"].get("namespace") == ns}
        assert sent == set(names)
        page = login(browser, kubelab_server.url, kubelab_server.admin_token)
        try:
            chips = page.locator(f'.node[data-name="{node}"] .pod[data-ns="{ns}"]')
            expect(chips).to_have_count(30)
        finally:
            page.context.close()
    finally:
        remove(admin_api, ns, names, node)
