"""In Borg mode no Kubernetes word with a Borg equivalent is left on the page."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from dashboard.vocabulary import TERMS
from tests.dashboard.helpers import deployment_body, screenshot

# Object names, label text and YAML are user data (class "objname"), and messages quoted
# verbatim from the API, like the scheduler's reasons (class "api-text"), are not ours to
# translate.
VISIBLE_TEXT = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const el = walk.currentNode.parentElement;
    if (!el || el.closest(".objname, .api-text, script, style, option, [hidden]")) continue;
    if (!el.checkVisibility()) continue;
    out.push(walk.currentNode.textContent);
  }
  return out.join(" ");
}"""


def kubernetes_only_words() -> list[str]:
    words = set()
    for t in TERMS:
        if t.borg and t.borg.lower() != t.k8s.lower():
            words.update({t.k8s, t.k8s_plural})
    return sorted(words, key=len, reverse=True)


def test_it_leaves_no_kubernetes_only_word_in_borg_mode(page, admin_api):
    ns = admin_api.namespace("vocab")
    admin_api.call("POST", f"/apis/apps/v1/namespaces/{ns}/deployments",
                   deployment_body("web", {"app": "web"}))
    admin_api.pod(ns, "w-1", {"app": "web"})
    page.select_option("#namespace-filter", ns)
    expect(page.locator('.workload[data-name="web"]')).to_be_visible()
    page.select_option("#vocab-switch", "borg")
    expect(page.locator('.term[data-term="pod"]').first).to_have_text(
        re.compile("alloc", re.IGNORECASE))
    text = page.evaluate(VISIBLE_TEXT)
    left = [w for w in kubernetes_only_words()
            if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE)]
    assert not left, f"Kubernetes words left in Borg mode: {left}\n{text}"
    assert "alloc" in text.lower() and "job" in text.lower()
    screenshot(page, "map-borg")
    page.reload()  # remembered per browser
    expect(page.locator("#vocab-switch")).to_have_value("borg")
    page.select_option("#vocab-switch", "k8s")


def test_the_glossary_lists_every_term(page, kubelab_server):
    page.goto(kubelab_server.url + "/glossary")
    rows = page.locator("table.glossary tbody tr")
    expect(rows).to_have_count(len(TERMS))
    expect(page.locator("#term-label .borg-word")).to_have_text("none in Borg")
    screenshot(page, "glossary")
