"""Every gallery example passes the server's dry run as it stands (each is a starting
point a student applies first and edits second)."""
from __future__ import annotations

from dashboard.editor_gallery import examples
from tests.dashboard.editor_page import open_editor, set_vocabulary
from tests.dashboard.helpers import screenshot


def test_every_gallery_example_is_valid(page, kubelab_server, admin_api):
    open_editor(page, kubelab_server.url, admin_api.namespace("gallery"))
    set_vocabulary(page, "borg")  # the Borg job example needs Borg words; the rest do not care
    problems = {}
    for example in examples():
        page.evaluate("() => { window.__validated = false; document.addEventListener("
                      "'kubelab:validated', () => { window.__validated = true; }, {once: true}); }")
        page.select_option("#gallery", example["id"])
        page.wait_for_function("() => window.__validated === true", timeout=10_000)
        state = page.get_attribute("#editor-status", "data-state")
        if state != "ok":
            problems[example["id"]] = page.locator("#editor-errors").inner_text()
    screenshot(page, "editor-gallery-borg")
    assert problems == {}
