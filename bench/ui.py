"""Dashboard benchmark: how fast a store commit reaches the DOM with many browsers watching,
how long the first paint of a big cluster takes, and whether a burst of events stalls it.

Starts its own cluster (runtime simulated, no kubelets: nodes are API objects and pods are
created already bound, so nothing but the benchmark writes), then:

1. latency: `--clients` websocket clients (logged in like a browser, reading and dropping
   every frame) plus one headless Chromium page; `--writes` pods are created, one every
   `--interval` s, and the page notes when each pod's chip is in the DOM. The time counts
   from just before the POST is sent, so it is an upper bound on commit → DOM updated.
2. first paint: `--nodes` nodes and `--pods` pods, then a fresh page: navigation start →
   every node box and pod chip drawn.
3. burst: `--burst-rate` label changes per second for `--burst-seconds` s on that page;
   the longest main-thread task Chromium reports (PerformanceObserver "longtask", which
   lists only tasks over 50 ms) while it applies them.

    .venv/bin/python bench/ui.py                       # small: a quick check
    .venv/bin/python bench/ui.py --clients 30 --writes 300 --nodes 1000 --pods 10000

Writes bench/results/ui.json and the ui section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Nodes here have no kubelet renewing a lease; keep the node controller from declaring
# them lost (and evicting their pods) while the benchmark runs.
os.environ.setdefault("KUBELAB_NODE_GRACE_SECONDS", "3600")

from bench.loadgen import Client  # noqa: E402
from bench.report import write_section  # noqa: E402
from cluster.runner.harness import running_cluster  # noqa: E402
from tests.dashboard.helpers import CHROMIUM_ARGS, node_body  # noqa: E402
from tests.dashboard.wsclient import login_cookie, open_socket  # noqa: E402

NS_LATENCY, NS_BIG = "bench-ui", "bench-ui-big"
WATCHER_JS = """() => {
  window.__seen = {}; window.__want = new Set(); window.__long = [];
  const check = () => {
    for (const name of window.__want) {
      if (document.querySelector(`.pod[data-name="${name}"]`)) {
        window.__seen[name] = Date.now(); window.__want.delete(name);
      }
    }
  };
  window.addEventListener("kubelab:rendered", check);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push(e.duration);
  }).observe({ type: "longtask", buffered: false });
}"""


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


# The bench's nodes are bare Node objects with no kubelet renewing a Lease: the node
# lifecycle controller taints them unreachable, and would evict pods that do not
# tolerate it, mid-measurement.
TOLERATE_LOST_NODE = [{"key": key, "operator": "Exists", "effect": "NoExecute"}
                      for key in ("node.kubernetes.io/unreachable",
                                  "node.kubernetes.io/not-ready")]


def pod_body(name: str, node: str, labels: dict | None = None) -> dict:
    return {"metadata": {"name": name, "labels": labels or {"app": "bench"}},
            "spec": {"nodeName": node, "tolerations": TOLERATE_LOST_NODE,
                     "containers": [{"name": "app", "image": "busybox",
                                     "resources": {"requests": {"cpu": "10m",
                                                                "memory": "16Mi"}}}]}}


def parallel(count: int, clients: int, work) -> None:
    """Run work(client, i) for i in range(count) over `clients` keep-alive connections."""
    errors: list[str] = []

    def worker(start: int, client: Client) -> None:
        for i in range(start, count, clients):
            status, body = work(client, i)
            if status >= 300:
                errors.append(f"{status} {body[:200]!r}")
    threads = [threading.Thread(target=worker, args=(n, Client(URL, TOKEN)))
               for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} writes failed, first: {errors[0]}")


def open_page(browser, cookie: str):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.add_cookies([{"name": k, "value": v, "url": URL}
                         for k, v in (p.split("=", 1) for p in cookie.split("; "))])
    page = context.new_page()
    page.add_init_script(f"({WATCHER_JS})()")
    return page


def readers(cookie: str, count: int, stop: threading.Event) -> list[threading.Thread]:
    """Websocket clients that read everything as fast as it comes, as browsers would."""
    def run() -> None:
        ws = open_socket(URL, cookie)
        ws.settimeout(1.0)
        while not stop.is_set():
            try:
                ws.recv()
            except Exception:  # noqa: BLE001  (timeouts while idle; closed at the end)
                continue
        ws.close()
    threads = [threading.Thread(target=run, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    return threads


def latency(browser, cookie: str, args) -> list[float]:
    api = Client(URL, TOKEN)
    api.call("POST", "/api/v1/namespaces", {"metadata": {"name": NS_LATENCY}})
    api.call("POST", "/api/v1/nodes", node_body("ui-lat-1", "zone-a", "64", "256Gi"))
    stop = threading.Event()
    threads = readers(cookie, args.clients, stop)
    page = open_page(browser, cookie)
    page.goto(URL + "/")
    page.wait_for_selector("#connection[data-status=live]", timeout=30_000)
    time.sleep(1.0)  # let the readers finish their snapshots before measuring
    sent: dict[str, float] = {}
    for i in range(args.writes):
        name = f"lat-{i:05d}"
        page.evaluate("(n) => window.__want.add(n)", name)
        sent[name] = time.time() * 1000
        status, body = api.call("POST", f"/api/v1/namespaces/{NS_LATENCY}/pods",
                                pod_body(name, "ui-lat-1"))
        if status != 201:
            raise RuntimeError(f"create failed: {status} {body[:200]!r}")
        time.sleep(args.interval)
    page.wait_for_function("() => window.__want.size === 0", timeout=30_000)
    seen = page.evaluate("() => window.__seen")
    stop.set()
    for t in threads:
        t.join(timeout=5)
    page.context.close()
    return [seen[n] - t for n, t in sent.items()]


def first_paint_and_burst(browser, cookie: str, args) -> tuple[float, float, int]:
    nodes = [f"ui-big-{i:04d}" for i in range(1, args.nodes + 1)]
    Client(URL, TOKEN).call("POST", "/api/v1/namespaces", {"metadata": {"name": NS_BIG}})
    parallel(len(nodes), args.writers, lambda c, i: c.call(
        "POST", "/api/v1/nodes", node_body(nodes[i], f"zone-{'abc'[i % 3]}", "64", "256Gi")))
    parallel(args.pods, args.writers, lambda c, i: c.call(
        "POST", f"/api/v1/namespaces/{NS_BIG}/pods",
        pod_body(f"big-{i:05d}", nodes[i % len(nodes)])))
    page = open_page(browser, cookie)
    page.goto(URL + "/")
    page.wait_for_function(
        "([n, p]) => document.querySelectorAll('.node').length >= n && "
        "document.querySelectorAll('.pod').length >= p",
        arg=[args.nodes + 1, args.pods], timeout=120_000, polling="raf")
    painted = page.evaluate("() => performance.now()")
    page.evaluate("() => { window.__long = []; }")
    total = int(args.burst_rate * args.burst_seconds)
    started = time.monotonic()
    per_writer = max(1, args.writers)

    def patch(c: Client, i: int):
        due = started + i / args.burst_rate  # an open loop: writes on a fixed schedule
        time.sleep(max(0.0, due - time.monotonic()))
        c.headers["Content-Type"] = "application/merge-patch+json"
        return c.call("PATCH", f"/api/v1/namespaces/{NS_BIG}/pods/big-{i % args.pods:05d}",
                      {"metadata": {"labels": {"burst": str(i)}}})
    parallel(total, per_writer, patch)
    achieved = total / (time.monotonic() - started)
    time.sleep(1.0)  # the last frames
    longest = max(page.evaluate("() => window.__long") or [0.0])
    page.context.close()
    return painted, longest, round(achieved)


def main() -> None:
    global URL, TOKEN
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=30, help="websocket clients besides the page")
    ap.add_argument("--writes", type=int, default=100)
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--pods", type=int, default=1000)
    ap.add_argument("--burst-rate", type=float, default=500.0)
    ap.add_argument("--burst-seconds", type=float, default=4.0)
    ap.add_argument("--writers", type=int, default=8)
    args = ap.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="kubelab-bench-ui-"))
    from playwright.sync_api import sync_playwright
    with running_cluster(var_dir, nodes=0, runtime="simulated") as server:
        URL, TOKEN = server.url, server.admin_token
        cookie = login_cookie(URL, TOKEN)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            lat = latency(browser, cookie, args)
            painted, longest, achieved = first_paint_and_burst(browser, cookie, args)
            browser.close()
    results = {"clients": args.clients, "writes": args.writes,
               "latency_p50_ms": round(statistics.median(lat), 1),
               "latency_p99_ms": round(pct(lat, 0.99), 1),
               "latency_max_ms": round(max(lat), 1), "nodes": args.nodes, "pods": args.pods,
               "first_paint_s": round(painted / 1000, 2), "burst_rate_asked": args.burst_rate,
               "burst_rate_achieved": achieved, "longest_task_ms": round(longest, 1),
               "cpus": os.cpu_count(), "python": platform.python_version()}
    out = Path(__file__).resolve().parent / "results" / "ui.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    r = results
    rows = [
        (f"create → pod chip in the DOM, p50 ({args.clients} other sockets open)",
         f"{r['latency_p50_ms']} ms", ""),
        ("create → pod chip in the DOM, p99", f"{r['latency_p99_ms']} ms", "≤ 100 ms"),
        (f"first paint, {args.nodes} nodes and {args.pods} pods (navigation → all drawn)",
         f"{r['first_paint_s']} s", "≤ 3 s"),
        (f"longest main-thread task during {achieved} changes/s "
         f"(asked {args.burst_rate:g})", f"{r['longest_task_ms']} ms", "≤ 100 ms"),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    write_section("ui", f"""
Measured {when}.
Command: `.venv/bin/python bench/ui.py --clients {args.clients} --writes {args.writes} \
--nodes {args.nodes} --pods {args.pods} --burst-rate {args.burst_rate:g} --burst-seconds \
{args.burst_seconds:g}` (SQLite, {os.cpu_count()} CPUs shared with the browser and the
cluster, headless Chromium, Python {platform.python_version()}; load average at the end
{os.getloadavg()[0]:.1f}). Latency counts from just before the POST, so it is an upper
bound on commit → DOM; "longest task" is Chromium's longtask entries (only tasks > 50 ms
are reported, so 0 means none over 50 ms).

| measure | result | goal |
|---|---|---|
{table}
""")
    print(json.dumps(results, indent=2))


URL = TOKEN = ""

if __name__ == "__main__":
    main()
