"""Dragging the timeline back shows the cluster as it was; forward, play and Live return."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.dashboard.private_cluster import own_cluster

# Its own quiet cluster: see tests/dashboard/private_cluster.py.
kubelab_server, admin_api = own_cluster("timetravel")


# The time (ms) of a pod's first ADDED and of its DELETED event in the loaded history.
EVENT_TIMES = """([ns, name]) => {
  const key = `Pod/${ns}/${name}`;
  const evs = window.kubelab.timeline.history.events.filter((e) => e.key === key);
  const added = evs.find((e) => e.type === "ADDED");
  const deleted = evs.find((e) => e.type === "DELETED");
  return { added: added?.t, addedRev: added?.rev, deleted: deleted?.t };
}"""

# Records, at every drawn frame, the timeline's mode and whether the pod's chip was there.
WATCH_FRAMES = """([ns, name]) => {
  window.__frames = { modes: [], drew: false };
  window.addEventListener("kubelab:rendered", () => {
    const mode = document.querySelector("#timeline").dataset.mode;
    if (!window.__frames.modes.includes(mode)) window.__frames.modes.push(mode);
    const chip = document.querySelector(`.pod[data-ns="${ns}"][data-name="${name}"]:not(.leaving)`);
    if (chip && mode === "playing") window.__frames.drew = true;
  });
}"""


def load_history(page) -> None:
    """Touch the timeline (the pause button) so it loads the history; wait until it has."""
    page.click("#timeline [data-act=pause]")
    # The whole kept history comes down: tens of thousands of events on the session
    # cluster by the time these tests run.
    expect(page.locator("#timeline")).to_have_attribute("data-total", re.compile(r"^\d+$"),
                                                        timeout=45_000)
    expect(page.locator("#timeline")).to_have_attribute("data-mode", "live")


def chip(page, ns: str, name: str):
    return page.locator(f'.pod[data-ns="{ns}"][data-name="{name}"]:not(.leaving)')


def test_it_shows_a_deleted_pod_again_when_scrubbed_back(page, admin_api):
    ns = admin_api.namespace("tt-scrub")
    node = f"m-tt-{uuid.uuid4().hex[:4]}"
    admin_api.private_node(node)
    admin_api.pod(ns, "doomed", {"app": "tt"}, node=node)
    admin_api.pod(ns, "stays", {"app": "tt"}, node=node)
    expect(chip(page, ns, "doomed")).to_be_visible()
    admin_api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/doomed", gracePeriodSeconds=0)
    expect(chip(page, ns, "doomed")).to_have_count(0)

    load_history(page)
    times = page.evaluate(EVENT_TIMES, [ns, "doomed"])
    assert times["added"] and times["deleted"], times
    page.locator("#timeline .scrub").fill(str(times["deleted"] - 1))  # just before it went
    expect(page.locator("#timeline")).to_have_attribute("data-mode", "past")
    expect(chip(page, ns, "doomed")).to_be_visible()
    in_node = page.locator(f'.node[data-name="{node}"] .pod[data-name="doomed"]:not(.leaving)')
    expect(in_node).to_be_visible()

    # The panel shows the pod as it was then, not the (deleted) live object.
    chip(page, ns, "doomed").click()
    expect(page.locator("#details .past-stamp")).to_contain_text("As it was at")
    page.click("#details [data-step='1']")  # its next change: the deletion
    expect(chip(page, ns, "doomed")).to_have_count(0)
    expect(page.locator("#details .past-stamp")).to_contain_text("Not there at")

    page.click("#details .close")
    page.locator("#timeline .scrub").fill(str(times["added"] - 1))  # before it existed
    expect(chip(page, ns, "doomed")).to_have_count(0)
    page.click("#timeline [data-act=live]")
    expect(page.locator("#timeline")).to_have_attribute("data-mode", "live")
    expect(chip(page, ns, "doomed")).to_have_count(0)
    expect(chip(page, ns, "stays")).to_be_visible()

    # Changes that arrive after the history was loaded are recorded by the page too.
    admin_api.pod(ns, "later", {"app": "tt"}, node=node)
    expect(chip(page, ns, "later")).to_be_visible()
    admin_api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/later", gracePeriodSeconds=0)
    expect(chip(page, ns, "later")).to_have_count(0)
    later = page.evaluate(EVENT_TIMES, [ns, "later"])
    page.evaluate("(rev) => window.kubelab.timeline.seekRev(rev)", later["addedRev"])
    expect(chip(page, ns, "later")).to_be_visible()


def test_playing_draws_the_past_and_20x_reaches_the_end_then_live(page, admin_api):
    ns = admin_api.namespace("tt-play")
    node = f"m-tp-{uuid.uuid4().hex[:4]}"
    admin_api.private_node(node)
    for i in range(3):
        admin_api.pod(ns, f"p{i}", {"app": "tt"}, node=node)
    expect(chip(page, ns, "p2")).to_be_visible()
    admin_api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/p0", gracePeriodSeconds=0)
    expect(chip(page, ns, "p0")).to_have_count(0)

    load_history(page)
    start = page.evaluate(EVENT_TIMES, [ns, "p0"])["added"] - 1
    page.locator("#timeline .scrub").fill(str(start))
    expect(chip(page, ns, "p0")).to_have_count(0)
    # p0 lived a fraction of a second: at 1× a few frames draw it (the page notes each
    # frame, as they pass too fast to poll); at 20× this stretch is about one frame.
    page.evaluate(WATCH_FRAMES, [ns, "p0"])
    page.click("#timeline [data-act=play][data-speed='1']")
    # At 1x the page replays in real time: where other things keep happening (the shared
    # test cluster) it trails the present for ever, so once p0 has come and gone it is
    # sent back to live by hand. 20x below must catch up on its own.
    page.wait_for_function("() => window.__frames.drew", timeout=20_000)
    expect(chip(page, ns, "p0")).to_have_count(0, timeout=20_000)
    # (On a quiet cluster it may have reached the present already: Live is then disabled.)
    page.evaluate("() => { const b = document.querySelector('#timeline [data-act=live]');"
                  " if (!b.disabled) b.click(); }")
    expect(page.locator("#timeline")).to_have_attribute("data-mode", "live")
    seen = page.evaluate("() => window.__frames")
    assert "playing" in seen["modes"] and seen["drew"], seen  # it played through p0's life

    page.locator("#timeline .scrub").fill(str(start))
    expect(chip(page, ns, "p2")).to_have_count(0)
    page.click("#timeline [data-act=play][data-speed='20']")
    expect(page.locator("#timeline")).to_have_attribute("data-mode", "live", timeout=45_000)
    # Back to the present: the map redraws what changed since the moment shown, over
    # frames (thousands of chips on the session cluster).
    page.wait_for_function("() => window.kubelab.map.queue.size === 0", timeout=30_000)
    expect(chip(page, ns, "p0")).to_have_count(0)
    expect(chip(page, ns, "p2")).to_be_visible()
