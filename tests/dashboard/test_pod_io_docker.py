"""On Docker nodes the details panel shows a container's output and its terminal runs echo.

Starts its own Docker-backed cluster (like tests/kubelet/test_docker_e2e.py); skipped
where no Docker engine answers.
"""
# ruff: noqa: F811  (the fixtures imported below are parameters of the tests by name)
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cluster.runner.services import docker_answers
from tests.dashboard.conftest import login
from tests.dashboard.helpers import screenshot
from tests.kubelet.test_docker_e2e import (  # noqa: F401  (fixtures used by name)
    cluster,
    core,
    make_pod,
    ns,
    running,
    wait_for,
)

pytestmark = pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")


def test_it_tails_a_log_and_runs_echo_in_a_terminal(browser, cluster, core, ns):
    make_pod(core, ns, "talker", [{"name": "app", "image": "busybox", "command": [
        "sh", "-c", "echo hello-from-the-pod; sleep 3600"]}], node="node-1")
    wait_for(lambda: running(core, ns, "talker"), 60, "pod talker Running")
    page = login(browser, cluster.url, cluster.admin_token)
    try:
        page.select_option("#namespace-filter", ns)
        page.locator(f'.pod[data-ns="{ns}"][data-name="talker"]').click()
        expect(page.locator("#details .log-tail")).to_contain_text("hello-from-the-pod",
                                                                   timeout=15_000)
        page.locator("#details .open-terminal").click()
        expect(page.locator("#details .term-note")).to_have_text("connected", timeout=15_000)
        page.locator("#details .pod-terminal").click()
        page.keyboard.type("echo sum-$((40+2))\n")
        # The typed line echoes "$((40+2))"; only the shell's answer reads sum-42.
        expect(page.locator("#details .pod-terminal .xterm-rows")).to_contain_text(
            "sum-42", timeout=15_000)
        screenshot(page, "pod-io-docker")
    finally:
        page.context.close()
