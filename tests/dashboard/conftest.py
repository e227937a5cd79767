"""Browser fixtures: Debian's chromium through Playwright (never a downloaded browser)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.dashboard.helpers import CHROMIUM_ARGS, Api


@pytest.fixture(scope="session")
def admin_api(kubelab_server) -> Api:
    return Api(kubelab_server.url, kubelab_server.admin_token)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    # Package scope: Playwright's sync API keeps an event loop running in this thread,
    # which Django's ORM refuses to run beside; later packages must not inherit it.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def login(browser, url: str, token: str):
    """A fresh browser context logged in with `token`, on the map with its socket live."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("#token", token)
    page.click("button[type=submit]")
    # The socket opens on its handshake; a cluster started moments before (the Docker
    # ones) on a loaded CI machine has taken over 10 s to answer it: a wait, not a goal.
    page.wait_for_selector("#connection[data-status=live]", timeout=30_000)
    # Live is the socket; the first snapshot is drawn over several frames after it. On a
    # session cluster that earlier tests filled, that takes a while: a test measures what
    # happens on an open, drawn map, as a user sees it.
    page.wait_for_function(
        "() => !window.kubelab || !window.kubelab.map || (window.kubelab.state.rv > 0"
        " && window.kubelab.map.queue.size === 0 && !window.kubelab.map.staged)",
        timeout=30_000)
    return page


@pytest.fixture
def page(browser, kubelab_server):
    page = login(browser, kubelab_server.url, kubelab_server.admin_token)
    yield page
    page.context.close()
