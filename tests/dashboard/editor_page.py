"""Driving the manifest editor page in the browser tests."""
from __future__ import annotations

from playwright.sync_api import expect

MARKS_JS = """() => (window.kubelabEditor.state.lint.marked || []).map((m) => {
  const at = m.find();
  return at ? { line: at.from.line + 1, message: m.__annotation.message } : null;
}).filter(Boolean)"""


def open_editor(page, url: str, namespace: str = "", query: str = ""):
    page.goto(f"{url}/editor{query}")
    page.wait_for_function("() => window.kubelabEditor !== undefined")
    if namespace:
        page.evaluate("""(ns) => { const el = document.getElementById('editor-namespace');
            el.value = ns; el.dispatchEvent(new Event('change')); }""", namespace)
    return page


def type_text(page, text: str) -> None:
    """Replace the editor's text (a change event, as typing makes) and wait for the check."""
    page.evaluate("""(t) => { window.__validated = false;
        document.addEventListener('kubelab:validated', () => { window.__validated = true; },
                                  { once: true });
        window.kubelabEditor.setValue(t); }""", text)
    page.wait_for_function("() => window.__validated === true", timeout=10_000)


def marks(page) -> list[dict]:
    """The lint underlines drawn: [{line (1-based), message}]."""
    return page.evaluate(MARKS_JS)


def error_at(page, line: int):
    """The error list entry for `line`, once it is shown."""
    item = page.locator(f'#editor-errors li[data-line="{line}"]')
    expect(item.first).to_be_visible()
    return item


def set_vocabulary(page, value: str) -> None:
    page.select_option("#vocab-switch", value)
