"""The reconcile view and the control-loop switches, on a cluster of the module's own
(pausing the controllers must not stall the session's shared cluster): desired versus
observed and the controllers' actions during a scale; pause stops reconciles, a step
lets exactly one through, resume catches up; a student is refused, readably, and sees
only its own namespace's records."""
from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from cluster.kubeconfig import token_in
from tests.dashboard.conftest import login
from tests.dashboard.helpers import Api, deployment_body, screenshot
from tests.dashboard.private_cluster import own_cluster
from tests.waiting import wait_for

SETTINGS = "/api/v1/namespaces/kube-system/configmaps/kubelab-settings"


cluster, api = own_cluster("reconcile", "cluster", "api")


@pytest.fixture
def page(browser, cluster, api):
    page = login(browser, cluster.url, cluster.admin_token)
    yield page
    page.context.close()


def resume(api: Api) -> None:
    """Whatever a test did, the controllers run again afterwards."""
    resp = api.http.patch(api.url + SETTINGS, json={"data": {"controllers.paused": "false"}},
                          headers={"Content-Type": "application/merge-patch+json"}, timeout=10)
    assert resp.status_code in (200, 404), resp.text


def deployment(api: Api, ns: str, name: str, replicas: int) -> str:
    path = f"/apis/apps/v1/namespaces/{ns}/deployments"
    api.call("POST", path, deployment_body(name, {"app": name}, replicas=replicas))
    return f"{path}/{name}"


def active_pods(api: Api, ns: str) -> list[dict]:
    return [p for p in api.call("GET", f"/api/v1/namespaces/{ns}/pods")["items"]
            if not p["metadata"].get("deletionTimestamp")]


def open_workload(page, ns: str, name: str) -> None:
    page.select_option("#namespace-filter", ns)
    page.locator(f'.workload[data-kind="Deployment"][data-name="{name}"] button.objname').click()
    expect(page.locator("#details .reconcile-view")).to_be_visible()


def records(page) -> int:
    return page.locator("#details .reconcile-timeline .record").count()


def test_it_shows_desired_observed_and_the_actions_of_a_scale(page, api):
    ns = api.namespace("rv")
    dep = deployment(api, ns, "web", 1)
    open_workload(page, ns, "web")
    counts = page.locator("#details .replica-counts")
    expect(counts).to_have_attribute("data-available", "1", timeout=20_000)
    page.fill("#details .replicas-input", "3")
    page.locator("#details .detail-actions button", has_text="Scale").click()
    expect(counts).to_have_attribute("data-desired", "3")
    expect(counts).to_have_attribute("data-available", "3", timeout=20_000)
    timeline = page.locator("#details .reconcile-timeline")
    expect(timeline.locator('.record[data-controller="deployment"] .action',
                            has_text="→3")).not_to_have_count(0)
    expect(timeline.locator('.record[data-controller="replicaset"] .action',
                            has_text="create")).not_to_have_count(0)
    expect(page.locator("#details .replicasets tr")).to_have_count(1)
    assert api.call("GET", dep)["status"]["availableReplicas"] == 3
    screenshot(page, "reconcile-view")


def test_pause_stops_reconciles_a_step_lets_one_through_and_resume_catches_up(page, api):
    ns = api.namespace("pz")
    dep = deployment(api, ns, "web", 1)
    wait_for(lambda: api.call("GET", dep).get("status", {}).get("availableReplicas") == 1,
             "the deployment's first pod available")
    open_workload(page, ns, "web")
    try:
        page.locator("#details button.rv-pause").click()
        expect(page.locator("#loop-controls")).to_have_attribute("data-paused", "true",
                                                            timeout=10_000)
        # The workers re-read the switch within a second; once they park a key they
        # have seen it (resync and the nodes' heartbeats queue keys all the time).
        expect(page.locator("#loop-controls .loop-state")).to_have_text(
            re.compile(r"paused, [1-9]\d* waiting"), timeout=30_000)
        api.http.patch(api.url + dep, json={"spec": {"replicas": 3}},
                       headers={"Content-Type": "application/merge-patch+json"}, timeout=10)
        waiting = page.locator("#details .loop-state .waiting")
        expect(waiting).to_contain_text(f"deployment {ns}/web", timeout=20_000)
        end = time.monotonic() + 2
        while time.monotonic() < end:  # a window in which nothing may happen
            assert len(active_pods(api, ns)) == 1, "a paused controller created pods"
            time.sleep(0.2)
        before = records(page)
        page.locator("#details button.step-workload").click()
        newest = page.locator("#details .reconcile-timeline .record").first
        expect(page.locator("#details .reconcile-timeline .record")).to_have_count(before + 1)
        expect(newest).to_have_attribute("data-controller", "deployment")
        expect(newest.locator(".badge", has_text="step")).to_have_count(1)
        expect(newest).to_contain_text("1→3")
        rs = wait_for(lambda: [r for r in api.call(
            "GET", f"/apis/apps/v1/namespaces/{ns}/replicasets")["items"]
            if r["spec"]["replicas"] == 3], "the ReplicaSet scaled by the stepped reconcile")
        assert len(active_pods(api, ns)) == 1, "the ReplicaSet's own reconcile still waits"
        # Step until the ReplicaSet's reconcile has created the pods: one record a step.
        for _ in range(6):
            if len(active_pods(api, ns)) == 3:
                break
            expect(waiting).not_to_have_text("nothing", timeout=20_000)
            before = records(page)
            page.locator("#details button.step-workload").click()
            expect(page.locator("#details .reconcile-timeline .record")).to_have_count(
                before + 1)
        wait_for(lambda: len(active_pods(api, ns)) == 3, "the stepped ReplicaSet's pods")
        assert rs[0]["metadata"]["name"]
        screenshot(page, "reconcile-paused")
        page.locator("#details button.rv-pause").click()
        expect(page.locator("#loop-controls")).to_have_attribute("data-paused", "false",
                                                            timeout=10_000)
    finally:
        resume(api)
    wait_for(lambda: api.call("GET", dep).get("status", {}).get("availableReplicas") == 3,
             "the deployment caught up after resuming")
    expect(page.locator("#details .replica-counts")).to_have_attribute(
        "data-available", "3", timeout=20_000)


@pytest.fixture(scope="module")
def student(cluster) -> tuple[str, str]:
    name = f"stu-{uuid.uuid4().hex[:5]}"
    done = cluster.manage("create-student", name)
    assert done.returncode == 0, done.stderr
    return name, token_in(cluster.var_dir / "students" / f"{name}.kubeconfig")


def test_a_student_is_refused_readably_and_sees_only_its_namespace(browser, cluster, api,
                                                                    student):
    ns, token = student
    other = api.namespace("other")
    deployment(api, other, "secret", 1)
    deployment(api, ns, "mine", 1)
    page = login(browser, cluster.url, token)
    try:
        open_workload(page, ns, "mine")
        expect(page.locator("#details .replica-counts")).to_have_attribute(
            "data-desired", "1")
        page.locator("#details button.rv-pause").click()
        expect(page.locator("#toast")).to_contain_text("Only a teacher can")
        stored = api.http.get(api.url + SETTINGS, timeout=10)
        assert stored.status_code == 404 or \
            (stored.json().get("data") or {}).get("controllers.paused") != "true"
        status = page.evaluate("""async (url) => (await fetch(url)).status""",
                               f"/ui/reconciles/Deployment/{other}/secret")
        assert status == 403
    finally:
        page.context.close()


POST = """async ([url, body]) => {
  const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
  const resp = await fetch(url, {method: "POST", body: JSON.stringify(body),
    headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}});
  return [resp.status, (await resp.json()).error || ""];
}"""


def test_slow_motion_is_set_through_the_settings_configmap(page, api):
    ns = api.namespace("slow")
    deployment(api, ns, "web", 1)
    open_workload(page, ns, "web")
    try:
        page.select_option("#details select.rv-delay", "1")
        wait_for(lambda: (api.call("GET", SETTINGS).get("data") or {})
                 .get("controllers.delaySeconds") == "1", "the delay in the ConfigMap")
        expect(page.locator("#details .loop-state")).to_contain_text("Slow motion: 1s")
        status, error = page.evaluate(POST, ["/ui/controllers/set", {"delaySeconds": 100}])
        assert status == 400 and "from 0 to 10" in error
    finally:
        resp = api.http.patch(api.url + SETTINGS,
                              json={"data": {"controllers.delaySeconds": "0"}},
                              headers={"Content-Type": "application/merge-patch+json"},
                              timeout=10)
        assert resp.status_code == 200, resp.text
