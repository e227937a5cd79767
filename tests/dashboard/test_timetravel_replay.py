"""An exported session replayed at /replay, with no login, draws the same maps as the live page."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.dashboard.private_cluster import own_cluster

# Its own quiet cluster: see tests/dashboard/private_cluster.py.
kubelab_server, admin_api = own_cluster("timetravel")


# Seek to a revision, wait for that frame to be drawn, then read which pod chips of `ns`
# sit in which node box (or the pending lane). Leaving chips are on their way out.
CHIPS_AT = """async ([rev, ns]) => {
  const drawn = new Promise((done) =>
    window.addEventListener("kubelab:rendered", done, { once: true }));
  window.kubelab.timeline.seekRev(rev);
  await drawn;
  const out = {};
  for (const chip of document.querySelectorAll(`.pod[data-ns="${ns}"]:not(.leaving)`)) {
    const where = chip.closest(".node")?.dataset.name || "(pending)";
    (out[where] ||= []).push(chip.dataset.name);
  }
  for (const names of Object.values(out)) names.sort();
  return out;
}"""


def test_a_replayed_file_reproduces_the_recorded_maps(browser, page, admin_api, kubelab_server,
                                                       tmp_path):
    ns = admin_api.namespace("tt-rep")
    a, b = (f"m-rep-{uuid.uuid4().hex[:4]}" for _ in range(2))
    admin_api.private_node(a)
    admin_api.private_node(b, zone="zone-b")
    revs = []

    def step(result: dict) -> None:
        revs.append(int(result["metadata"]["resourceVersion"]))
    step(admin_api.pod(ns, "one", {"app": "r"}, node=a))
    step(admin_api.pod(ns, "two", {"app": "r"}, node=a))
    step(admin_api.pod(ns, "three", {"app": "r"}, node=b))
    step(admin_api.pod(ns, "waiting", {"app": "r"}))  # stays in the pending lane
    step(admin_api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/two", gracePeriodSeconds=0))
    step(admin_api.pod(ns, "four", {"app": "r"}, node=b))
    expect(page.locator(f'.pod[data-ns="{ns}"][data-name="four"]')).to_be_visible()

    page.click("#timeline [data-act=pause]")  # loads the history
    expect(page.locator("#timeline")).to_have_attribute("data-total", re.compile(r"^\d+$"),
                                                        timeout=45_000)
    recorded = [page.evaluate(CHIPS_AT, [rev, ns]) for rev in revs]
    assert recorded[1][a] == ["one", "two"] and "two" not in recorded[4].get(a, [])
    assert recorded[3]["(pending)"] == ["waiting"]
    with page.expect_download() as download:
        page.click("#timeline a.export")
    saved = tmp_path / "session.jsonl.gz"
    download.value.save_as(saved)

    # A fresh context: no cookie, no socket; only the page and the file.
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        replay = context.new_page()
        sockets: list[str] = []
        replay.on("websocket", lambda ws: sockets.append(ws.url))
        replay.goto(f"{kubelab_server.url}/replay")
        replay.set_input_files("#replay-file", str(saved))
        expect(replay.locator("#connection")).to_have_text(re.compile(r"^replay: session"),
                                                           timeout=45_000)
        replayed = [replay.evaluate(CHIPS_AT, [rev, ns]) for rev in revs]
        assert replayed == recorded
        assert sockets == []

        # Played at 20× from just before the test's first pod, the replay reaches its end.
        replay.evaluate("(rev) => window.kubelab.timeline.seekRev(rev)", revs[0] - 1)
        replay.click("#timeline [data-act=play][data-speed='20']")
        expect(replay.locator("#timeline")).to_have_attribute("data-mode", "end",
                                                              timeout=20_000)
        count, total = (replay.locator("#timeline").get_attribute(n)
                        for n in ("data-count", "data-total"))
        assert count == total
        expect(replay.locator(f'.node[data-name="{b}"] .pod[data-name="four"]:not(.leaving)')
               ).to_be_visible()
    finally:
        context.close()
