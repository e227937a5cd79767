"""The flow charts draw, and however long they run, each trace keeps a bounded window."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.dashboard.helpers import screenshot

WINDOW = 300  # static/dashboard/flowcharts.js


def test_it_draws_flow_charts_with_bounded_traces(page):
    page.click('[data-tab="tab-charts"]')
    for box in ("#chart-sched", "#chart-restarts", "#chart-events"):
        expect(page.locator(f"{box} .main-svg").first).to_be_visible(timeout=15_000)
    # A long session in fast-forward: more samples than the window holds.
    lengths = page.evaluate(f"""() => {{
        const flow = window.kubelab.flow;
        for (let i = 0; i < {WINDOW + 50}; i++) flow.sample();
        return [flow.schedBox, flow.restartBox, flow.eventBox]
          .flatMap((box) => box.data.map((trace) => trace.x.length));
    }}""")
    assert lengths and max(lengths) == WINDOW, lengths
    screenshot(page, "charts")
