"""bench/classroom.py's browser side: one headless Chromium, a context per user, and the
page hook that times every change from its commit to the frame that drew it.

Every websocket delta carries `ts`, its commit's wall-clock time in ms (stamped by
cluster/notify.py after the store's commit, passed on by dashboard/feed.py). The hook
(TIMER_JS) wraps the page's ClusterState.apply to note each delta's (rev, ts); when the
state's render frame for that revision has run ("kubelab:rendered"), the map has drained
what it queued (map.js spreads big batches over frames) and the browser has finished that
frame's rendering (a MessageChannel task posted from the frame runs after it), it records
performance.timeOrigin + performance.now() − ts. The browser and the cluster share this
machine's clock, so the difference is commit → on screen.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from tests.dashboard.helpers import CHROMIUM_ARGS
from tests.dashboard.wsclient import login_cookie

# Each screen in a classroom is a foreground window on its own machine: keep Chromium
# from throttling timers and frames of the 30 windows it considers in the background.
BROWSER_ARGS = [*CHROMIUM_ARGS, "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"]

TIMER_JS = """() => {
  const lat = [];        // [ms, kind, ms to arrive]: commit → drawn, per change drawn
  let pending = [];      // [rev, ts, kind, arrived]: received, not drawn yet
  let untimed = 0;       // deltas without a stamp (none expected: a check)
  const clock = () => performance.timeOrigin + performance.now();
  const hook = () => {
    const k = window.kubelab;
    if (!k || k.state.__timed) return;
    const state = k.state, apply = state.apply.bind(state);
    state.apply = (events) => {
      const arrived = clock();
      for (const ev of events) {
        if (ev.rev <= state.rv) continue;  // already applied: nothing to draw
        if (ev.ts) pending.push([ev.rev, ev.ts, ev.kind, arrived]); else untimed++;
      }
      apply(events);
    };
    state.__timed = true;
  };
  document.addEventListener("DOMContentLoaded", hook);
  // A task posted from inside a frame runs once that frame's rendering is done.
  const afterFrame = (fn) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = fn;
    ch.port2.postMessage(0);
  };
  const drawn = (batch) => {
    const map = window.kubelab.map;
    // Still drawing over the next frames (map.js drains its queue for 24 ms a frame).
    if (map.queue.size || map.staged) { requestAnimationFrame(() => drawn(batch)); return; }
    afterFrame(() => {
      const now = clock();
      for (const [, ts, kind, arrived] of batch) lat.push([now - ts, kind, arrived - ts]);
    });
  };
  window.addEventListener("kubelab:rendered", (e) => {
    hook();
    const rv = e.detail.rv;
    const batch = pending.filter((p) => p[0] <= rv);
    if (!batch.length) return;
    pending = pending.filter((p) => p[0] > rv);
    drawn(batch);
  });
  window.__classBench = {
    reset: () => { lat.length = 0; untimed = 0; },
    read: () => ({ lat, untimed, pending: pending.length,
                   busy: !!(window.kubelab && (window.kubelab.map.queue.size
                                               || window.kubelab.map.staged)) }),
    now: clock,
  };
}"""

# conftest.login's test: the socket is live and its first snapshot is drawn.
SETTLED_JS = ("() => document.querySelector('#connection[data-status=live]') && "
              "window.kubelab && window.kubelab.state.rv > 0 && "
              "window.kubelab.map.queue.size === 0 && !window.kubelab.map.staged")


@dataclass
class Screen:
    name: str  # "teacher" or the student's name (= namespace)
    page: object  # a Playwright Page


def open_screen(browser, url: str, name: str, token: str) -> Screen:
    """A context of its own, logged in with `token` (the login form's cookie), on the map."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": k, "value": v, "url": url}
                         for k, v in (p.split("=", 1) for p in login_cookie(url, token)
                                      .split("; "))])
    page = context.new_page()
    page.add_init_script(f"({TIMER_JS})()")
    page.goto(url + "/", timeout=60_000)
    return Screen(name, page)


def wait_settled(screens: list[Screen], timeout: float) -> None:
    """Every page live with its first snapshot drawn, or RuntimeError naming the first
    that is not."""
    deadline = time.monotonic() + timeout
    for s in screens:
        left_ms = max(1000, int((deadline - time.monotonic()) * 1000))
        try:
            s.page.wait_for_function(SETTLED_JS, timeout=left_ms)
        except Exception as exc:  # noqa: BLE001  (Playwright's TimeoutError, or the page died)
            raise RuntimeError(f"{s.name}'s page did not connect and draw its snapshot "
                               f"within {timeout:g} s: {exc}") from None


def reset_all(screens: list[Screen]) -> None:
    for s in screens:
        s.page.evaluate("() => window.__classBench.reset()")


def wait_pods_drawn(screens: list[Screen], counts: dict[str, int], timeout: float) -> None:
    """Until each screen shows `counts[name]` Running pod chips (the teacher's: all)."""
    deadline = time.monotonic() + timeout
    running = ':is([data-state="Running"],[data-state="Ready"])'
    for s in screens:
        want = counts[s.name]
        left_ms = max(1000, int((deadline - time.monotonic()) * 1000))
        selector = ".pod" if s.name == "teacher" else f'.pod[data-ns="{s.name}"]'
        selector += running
        try:
            s.page.wait_for_function(
                "([sel, n]) => document.querySelectorAll('#map ' + sel).length >= n",
                arg=[selector, want], timeout=left_ms)
        except Exception:  # noqa: BLE001
            have = s.page.evaluate("(sel) => document.querySelectorAll('#map ' + sel).length",
                                   selector)
            raise RuntimeError(f"{s.name}'s screen shows {have} of {want} Running pods after "
                               f"{timeout:g} s") from None


def wait_quiet(screens: list[Screen], timeout: float) -> None:
    """Until every page has drawn every delta it received (nothing pending, map idle)."""
    deadline = time.monotonic() + timeout
    while True:
        busy = {s.name: r for s in screens
                if (r := s.page.evaluate("() => window.__classBench.read()"))["pending"]
                or r["busy"]}
        if not busy:
            return
        if time.monotonic() > deadline:
            name, r = next(iter(busy.items()))
            raise RuntimeError(f"{len(busy)} screens still drawing after {timeout:g} s "
                               f"(e.g. {name}: {r['pending']} deltas pending)")
        time.sleep(0.5)


def collect(screens: list[Screen]) -> dict[str, dict]:
    """Each screen's timings: {"lat": [[ms, kind, ms to arrive], ...], "untimed": n}."""
    out = {}
    for s in screens:
        r = s.page.evaluate("() => window.__classBench.read()")
        out[s.name] = {"lat": r["lat"], "untimed": r["untimed"]}
    return out


def clock_skew_ms(screens: list[Screen]) -> float:
    """The largest gap between a page's clock (timeOrigin + now) and this process's
    time.time() half-way through the call (best of three: a round trip on a busy machine
    is itself milliseconds): about the error the shared clock could add."""
    def gap(page) -> float:
        before = time.time() * 1000
        page_now = page.evaluate("() => window.__classBench.now()")
        return abs(page_now - (before + time.time() * 1000) / 2)
    return max((min(gap(s.page) for _ in range(3)) for s in screens), default=0.0)


def close_all(screens: list[Screen]) -> None:
    """Best effort: the browser is closed after this anyway."""
    for s in screens:
        try:
            s.page.context.close()
        except Exception:  # noqa: BLE001,S112  (an interrupted run: Chromium may be gone)
            continue


def close_browser(browser) -> None:
    try:
        browser.close()
    except Exception as exc:  # noqa: BLE001  (Ctrl-C reaches Chromium too: it may be gone)
        print(f"(closing Chromium: {exc})")
