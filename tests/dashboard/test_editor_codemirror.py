"""The editor is CodeMirror with YAML highlighting, line numbers and search, served from
static/vendor (no network), behind the dashboard login."""
from __future__ import annotations

import requests
from playwright.sync_api import expect

from tests.dashboard.editor_page import open_editor, type_text

TEXT = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: findme\n"


def test_it_highlights_yaml_numbers_lines_and_searches(page, kubelab_server, admin_api):
    open_editor(page, kubelab_server.url, admin_api.namespace("cm"))
    type_text(page, TEXT)
    expect(page.locator(".CodeMirror-linenumber", has_text="4")).to_be_visible()
    expect(page.locator(".CodeMirror-code .cm-atom").first).to_have_text("apiVersion")
    page.locator(".CodeMirror-code").click()
    page.keyboard.press("Control+f")
    dialog = page.locator(".CodeMirror-dialog input")
    expect(dialog).to_be_visible()
    dialog.fill("findme")
    dialog.press("Enter")
    page.wait_for_function("() => window.kubelabEditor.getCursor().line === 3")


def test_the_page_and_its_endpoints_need_a_login(kubelab_server):
    resp = requests.get(f"{kubelab_server.url}/editor", allow_redirects=False, timeout=10)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    resp = requests.get(f"{kubelab_server.url}/ui/editor/live?kind=Pod&namespace=a&name=b",
                        timeout=10)
    assert resp.status_code == 401 and resp.json() == {"error": "Log in first."}
    resp = requests.get(f"{kubelab_server.url}/static/vendor/codemirror/lib/codemirror.js",
                        timeout=10)
    assert resp.status_code == 200 and "CodeMirror" in resp.text
