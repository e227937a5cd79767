"""In Borg words the editor takes a Borg job description, shows the Deployment it becomes
beside it, and applies that Deployment."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.dashboard.editor_page import error_at, open_editor, set_vocabulary, type_text

JOB = """\
job:
  name: hello
  task_count: 3
  priority: batch
  requirements:
    cpu: 0.25
    ram: 64M
  binary: kubelab/hello:1
"""


def test_a_borg_job_becomes_a_deployment_and_is_applied(page, kubelab_server, admin_api):
    ns = admin_api.namespace("borg")
    open_editor(page, kubelab_server.url, ns)
    set_vocabulary(page, "borg")
    expect(page.locator("#borg-pane")).to_be_visible()
    type_text(page, JOB)
    translation = page.locator("#borg-translation pre.translation")
    expect(translation).to_contain_text("kind: Deployment")
    for line in ("replicas: 3", "priorityClassName: batch", "cpu: 250m", "memory: 64Mi",
                 f"namespace: {ns}"):
        expect(translation).to_contain_text(line)
    expect(page.locator("#editor-status")).to_have_attribute("data-state", "ok")

    page.click("#apply-button")
    result = page.locator('#editor-results li[data-kind="Deployment"][data-name="hello"]')
    expect(result).to_have_attribute("data-outcome", "created")
    expect(result).to_contain_text("job hello")  # Borg's word for it
    dep = admin_api.call("GET", f"/apis/apps/v1/namespaces/{ns}/deployments/hello")
    assert dep["spec"]["replicas"] == 3
    pod = dep["spec"]["template"]["spec"]
    assert pod["priorityClassName"] == "batch"
    assert pod["containers"][0]["resources"]["requests"] == {"cpu": "250m", "memory": "64Mi"}
    page.click("#apply-button")
    expect(result).to_have_attribute("data-outcome", "unchanged")


def test_a_wrong_band_is_underlined_at_the_priority_line(page, kubelab_server, admin_api):
    open_editor(page, kubelab_server.url, admin_api.namespace("band"))
    set_vocabulary(page, "borg")
    type_text(page, JOB.replace("priority: batch", "priority: urgent"))
    expect(error_at(page, 4)).to_contain_text("monitoring, production, batch, best-effort")


def test_in_kubernetes_words_a_job_asks_for_the_borg_switch(page, kubelab_server, admin_api):
    open_editor(page, kubelab_server.url, admin_api.namespace("k8s"))
    set_vocabulary(page, "k8s")
    type_text(page, JOB)
    expect(error_at(page, 1)).to_contain_text("switch the words to Borg")
