"""Manifest editor benchmark: how soon validation feedback appears after the user stops
typing, measured in the browser.

Starts its own cluster (runtime simulated, no nodes: the editor's dry runs need none),
opens /editor in headless Chromium with a `--docs`-document manifest (Deployments and
Services), and `--samples` times types a short burst of keystrokes into a name (every
`--invalid-every`-th burst makes the name invalid, so the server answers with a 422 cause
that is mapped to its line). A keydown listener notes the last keystroke; the editor's
`kubelab:validated` event fires once the underlines for the final text are drawn. The
difference is the feedback time: the editor's debounce pause, the POST to
/ui/editor/check (YAML parse, one server dry run per document), and drawing.

    .venv/bin/python bench/editor.py --samples 20 --no-write   # smoke run
    .venv/bin/python bench/editor.py                           # full run (quiet machine)

Writes bench/results/editor.json and the editor section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.baseline import measure_and_print  # noqa: E402
from bench.loadgen import Client  # noqa: E402
from bench.report import baseline_table, write_results, write_section  # noqa: E402
from cluster.runner.harness import running_cluster  # noqa: E402
from tests.dashboard.helpers import CHROMIUM_ARGS  # noqa: E402
from tests.dashboard.wsclient import login_cookie  # noqa: E402

NS = "bench-editor"
WATCH_JS = """() => {
  window.__lastKey = 0; window.__latency = null;
  document.addEventListener("keydown", () => {
    window.__lastKey = performance.now(); window.__latency = null;
  }, true);
  document.addEventListener("kubelab:validated", (e) => {
    if (window.__lastKey && e.detail.at > window.__lastKey && window.__latency === null)
      window.__latency = { ms: e.detail.at - window.__lastKey, marks: e.detail.count };
  });
}"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web-{i}}}
  template:
    metadata:
      labels: {{app: web-{i}}}
    spec:
      containers:
      - name: web
        image: kubelab/hello:1
        resources:
          requests: {{cpu: 50m, memory: 32Mi}}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web-{i}
spec:
  selector: {{app: web-{i}}}
  ports:
  - port: 80
    targetPort: 8080
"""


def manifest(docs: int) -> str:
    parts = [(DEPLOYMENT if i % 2 == 0 else SERVICE).format(i=i // 2) for i in range(docs)]
    return "---\n".join(parts)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


def measure(page, args) -> tuple[list[float], int]:
    """Feedback times (ms) of every burst, and how many bursts drew an underline."""
    latencies: list[float] = []
    with_marks = 0
    suffix = ""
    for n in range(args.samples):
        invalid = args.invalid_every and n % args.invalid_every == args.invalid_every - 1
        new_suffix = f"x{n % 100:02d}" + ("Q" if invalid else "")  # capitals: invalid name
        # The cursor goes to the end of the first document's name line.
        page.evaluate("() => { const cm = window.kubelabEditor; cm.focus(); "
                      "cm.setCursor({line: 3, ch: cm.getLine(3).length}); }")
        for _ in suffix:
            page.keyboard.press("Backspace", delay=args.key_delay)
        page.keyboard.type(new_suffix, delay=args.key_delay)
        suffix = new_suffix
        page.wait_for_function("() => window.__latency !== null", timeout=30_000)
        found = page.evaluate("() => window.__latency")
        latencies.append(found["ms"])
        with_marks += 1 if found["marks"] else 0
        time.sleep(args.pause)  # the user reads the feedback before typing again
    return latencies, with_marks


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--docs", type=int, default=4, help="documents in the manifest")
    ap.add_argument("--key-delay", type=float, default=40, help="ms between keystrokes")
    ap.add_argument("--invalid-every", type=int, default=3)
    ap.add_argument("--pause", type=float, default=0.2, help="s between bursts")
    ap.add_argument("--no-write", action="store_true", help="print only (smoke runs)")
    args = ap.parse_args()
    baseline = measure_and_print()  # before the cluster and browser start: the machine alone
    var_dir = Path(tempfile.mkdtemp(prefix="kubelab-bench-editor-"))
    from playwright.sync_api import sync_playwright
    with running_cluster(var_dir, nodes=0, runtime="simulated") as server:
        Client(server.url, server.admin_token).call(
            "POST", "/api/v1/namespaces", {"metadata": {"name": NS}})
        cookie = login_cookie(server.url, server.admin_token)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.add_cookies([{"name": k, "value": v, "url": server.url}
                                 for k, v in (c.split("=", 1) for c in cookie.split("; "))])
            context.add_init_script(f"({WATCH_JS})()")
            page = context.new_page()
            page.goto(server.url + "/editor")
            page.wait_for_function("() => window.kubelabEditor !== undefined")
            page.evaluate("""(ns) => { const el = document.getElementById('editor-namespace');
                el.value = ns; el.dispatchEvent(new Event('change')); }""", NS)
            page.evaluate("(t) => window.kubelabEditor.setValue(t)", manifest(args.docs))
            page.wait_for_selector("#editor-status[data-state=ok]", timeout=30_000)
            debounce = page.evaluate(
                "async () => (await import('/static/dashboard/editor-lint.js')).DEBOUNCE_MS")
            latencies, with_marks = measure(page, args)
            browser.close()
    results = {"samples": args.samples, "docs": args.docs, "debounce_ms": debounce,
               "bursts_with_errors": with_marks,
               "feedback_p50_ms": round(statistics.median(latencies), 1),
               "feedback_p95_ms": round(pct(latencies, 0.95), 1),
               "feedback_max_ms": round(max(latencies), 1),
               "cpus": os.cpu_count(), "python": platform.python_version(),
               "baseline": baseline}
    print(json.dumps(results, indent=2))
    if args.no_write:
        return
    write_results("editor", results)
    r = results
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    write_section("editor", f"""
Measured {when}.
Command: `.venv/bin/python bench/editor.py --samples {args.samples} --docs {args.docs}`
(SQLite, {os.cpu_count()} CPUs shared with the browser and the cluster, headless Chromium,
Python {platform.python_version()}; load average at the end {os.getloadavg()[0]:.1f}).
Each sample is a burst of keystrokes ({args.key_delay:g} ms apart) renaming the first of
{args.docs} documents; {with_marks} of {args.samples} bursts made it invalid (a 422 cause
underlined at its line). Feedback time runs from the last keydown to the underlines being
drawn, so it includes the editor's {debounce} ms debounce pause.

| measure | result | goal |
|---|---|---|
| validation feedback after the last keystroke, p50 | {r['feedback_p50_ms']} ms | |
| validation feedback after the last keystroke, p95 | {r['feedback_p95_ms']} ms | ≤ 300 ms |
| validation feedback after the last keystroke, max | {r['feedback_max_ms']} ms | |

{baseline_table(baseline, [("feedback p95", r["feedback_p95_ms"], "ms")])}
""")


if __name__ == "__main__":
    from bench.localredis import local_redis

    with local_redis():  # the one at REDIS_URL, or its own, stopped afterwards
        main()
