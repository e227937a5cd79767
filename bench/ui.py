"""Dashboard benchmark: how fast a store commit reaches the DOM with many browsers watching,
how long the first paint of a big cluster takes, and whether a burst of events stalls it.

Starts its own cluster (runtime simulated, no kubelets: nodes are API objects and pods are
created already bound, so nothing but the benchmark writes), then:

1. latency: `--clients` websocket clients (logged in like a browser, reading and dropping
   every frame) plus one headless Chromium page; `--writes` pods are created, one every
   `--interval` s, and the page notes when each pod's chip is in the DOM. The time counts
   from just before the POST is sent, so it is an upper bound on commit → DOM updated.
2. first paint: `--nodes` nodes and `--pods` pods (written through the store by
   bench/ui_seed.py, or with `--via api` POSTed), then a fresh page: navigation start →
   every node box and pod chip in the DOM and the next frame rendered. Fails after
   `--timeout` s, saying how far it got.
3. burst: `--burst-rate` label changes per second for `--burst-seconds` s on that page;
   the longest main-thread task Chromium reports (PerformanceObserver "longtask", which
   lists only tasks over 50 ms) while it applies them. Then the same burst made inside
   the page (PAGE_BURST_JS), at exactly that rate whatever the cluster can write.

    .venv/bin/python bench/ui.py                       # small: a quick check
    .venv/bin/python bench/ui.py --clients 30 --writes 300 --nodes 1000 --pods 10000
    .venv/bin/python bench/ui.py --skip-latency --nodes 100 --pods 1000 --no-report \
        --profile var/ui-profile   # where the page's time goes (bench/browserprof.py)

Writes bench/results/ui.json and the ui section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
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

from bench.baseline import measure_and_print  # noqa: E402
from bench.browserprof import Profiler  # noqa: E402
from bench.loadgen import Client  # noqa: E402
from bench.report import baseline_table, write_results, write_section  # noqa: E402
from cluster.runner.harness import running_cluster  # noqa: E402
from tests.dashboard.helpers import CHROMIUM_ARGS, node_body  # noqa: E402
from tests.dashboard.wsclient import login_cookie, open_socket  # noqa: E402

NS_LATENCY, NS_BIG = "bench-ui", "bench-ui-big"
WATCHER_JS = """() => {
  window.__seen = {}; window.__want = new Set(); window.__long = [];
  // When the snapshot (its last part, when it comes in several) arrived, and its size.
  const Socket = window.WebSocket;
  window.__snapshotBytes = 0;
  window.WebSocket = class extends Socket {
    constructor(...a) {
      super(...a);
      this.addEventListener("message", (m) => {
        if (m.data.startsWith('{"type":"snapshot')) {
          window.__snapshotAt = performance.now(); window.__snapshotBytes += m.data.length;
        }
      });
    }
  };
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


def seed_store(server, *args) -> dict:
    """Run bench/ui_seed.py against the cluster's own database and Redis (see there why)."""
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("ui_seed.py")), *args],
                          env=server.env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ui_seed.py {args[0]} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def seed_api(args, nodes: list[str]) -> None:
    Client(URL, TOKEN).call("POST", "/api/v1/namespaces", {"metadata": {"name": NS_BIG}})
    parallel(len(nodes), args.writers, lambda c, i: c.call(
        "POST", "/api/v1/nodes", node_body(nodes[i], f"zone-{'abc'[i % 3]}", "64", "256Gi")))
    parallel(args.pods, args.writers, lambda c, i: c.call(
        "POST", f"/api/v1/namespaces/{NS_BIG}/pods",
        pod_body(f"big-{i:05d}", nodes[i % len(nodes)])))


def burst_store(server, args) -> float:
    """`--burst-writers` processes, each writing its share of the schedule."""
    results: list[dict] = []
    shares = max(1, args.burst_writers)

    def one(share: int) -> None:
        results.append(seed_store(server, "burst", NS_BIG, str(args.pods), str(args.burst_rate),
                                  str(args.burst_seconds), str(share), str(shares)))
    threads = [threading.Thread(target=one, args=(k,)) for k in range(shares)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if len(results) != shares:
        raise RuntimeError("a burst writer failed")
    return sum(r["writes"] for r in results) / max(r["seconds"] for r in results)


def burst_api(args) -> float:
    total = int(args.burst_rate * args.burst_seconds)
    started = time.monotonic()

    def patch(c: Client, i: int):
        due = started + i / args.burst_rate  # an open loop: writes on a fixed schedule
        time.sleep(max(0.0, due - time.monotonic()))
        c.headers["Content-Type"] = "application/merge-patch+json"
        return c.call("PATCH", f"/api/v1/namespaces/{NS_BIG}/pods/big-{i % args.pods:05d}",
                      {"metadata": {"labels": {"burst": str(i)}}})
    parallel(total, max(1, args.writers), patch)
    return total / (time.monotonic() - started)


# The same burst made in the page itself: label changes fed to ClusterState.apply on a
# fixed schedule, as the socket would. It shows what the page can take at exactly the asked
# rate when the cluster cannot write that fast (a busy 2-core machine commits a few hundred
# changes per second); it skips the socket and JSON.parse, so it is a lower bound.
PAGE_BURST_JS = """([rate, seconds]) => new Promise((done) => {
  const state = window.kubelab.state;
  const pods = [...state.live.values()].filter((o) => o.kind === "Pod");
  const total = Math.round(rate * seconds), started = performance.now();
  let i = 0, rev = state.rv;
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    const events = [];
    for (; i < due; i++) {
      const p = pods[i % pods.length];
      rev += 1;
      const metadata = { ...p.metadata, resourceVersion: String(rev),
                         labels: { ...p.metadata.labels, burst: String(i) } };
      events.push({ rev, type: "MODIFIED", kind: "Pod", object: { ...p, metadata } });
    }
    if (events.length) state.apply(events);
    if (i < total) setTimeout(tick, 20);
    else done(total / ((performance.now() - started) / 1000));
  };
  tick();
})"""

PROGRESS_JS = """() => ({nodes: document.getElementsByClassName('node').length,
  pods: document.getElementsByClassName('pod').length, snapshot: window.__snapshotAt,
  queued: window.kubelab?.map?.queue?.size})"""


def wait_drawn(page, nodes: int, pods: int, timeout: float) -> None:
    """Until every node box and pod chip is in the DOM; says how far it got every 5 s."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    deadline = time.monotonic() + timeout
    while True:
        try:
            page.wait_for_function(
                "([n, p]) => document.getElementsByClassName('node').length >= n && "
                "document.getElementsByClassName('pod').length >= p",
                arg=[nodes, pods], timeout=5000, polling="raf")
            return
        except PlaywrightTimeout:
            progress = page.evaluate(PROGRESS_JS)
            print(f"first paint still going: {progress}", file=sys.stderr)
            if time.monotonic() > deadline:
                raise RuntimeError(f"first paint not done in {timeout:g} s: {progress}") from None


def first_paint_and_burst(browser, server, cookie: str, args) -> dict:
    nodes = [f"ui-big-{i:04d}" for i in range(1, args.nodes + 1)]
    started = time.monotonic()
    if args.via == "store":
        seed_store(server, "seed", NS_BIG, "ui-big-", str(args.nodes), str(args.pods))
    else:
        seed_api(args, nodes)
    print(f"seeded {args.nodes} nodes, {args.pods} pods in {time.monotonic() - started:.1f} s",
          file=sys.stderr)
    server_side = seed_store(server, "snapshot")
    print(f"snapshot on the server: {server_side}", file=sys.stderr)
    page = open_page(browser, cookie)
    profiler = Profiler(page, args.profile)
    profiler.start()
    page.goto(URL + "/")
    wait_drawn(page, args.nodes, args.pods, args.timeout)
    # Drawn, not only built: the frame after the last element went in has been rendered.
    painted = page.evaluate("() => new Promise((done) => requestAnimationFrame(() => "
                            "requestAnimationFrame(() => done(performance.now()))))")
    timing = page.evaluate("() => ({snapshot: window.__snapshotAt, bytes: window.__snapshotBytes,"
                           " long: Math.max(0, ...window.__long)})")
    paint_top = profiler.stop("first-paint")
    page.evaluate("() => { window.__long = []; }")
    profiler.start()
    if args.via == "store":
        achieved = burst_store(server, args)
    else:
        achieved = burst_api(args)
    time.sleep(1.0)  # the last frames
    longest = max(page.evaluate("() => window.__long") or [0.0])
    burst_top = profiler.stop("burst")
    page.evaluate("() => { window.__long = []; }")
    page_rate = page.evaluate(PAGE_BURST_JS, [args.burst_rate, args.burst_seconds])
    time.sleep(1.0)
    page_longest = max(page.evaluate("() => window.__long") or [0.0])
    page.context.close()
    for title, top in (("first paint", paint_top), ("burst", burst_top)):
        if top:
            print(f"--- {title}: self time by function\n" + "\n".join(top), file=sys.stderr)
    return {"painted_ms": painted, "snapshot_ms": timing["snapshot"],
            "snapshot_bytes": timing["bytes"], "paint_longest_task_ms": timing["long"],
            "snapshot_build_s": server_side["build_s"], "snapshot_dump_s": server_side["dump_s"],
            "longest_ms": longest, "achieved": round(achieved),
            "page_rate": round(page_rate), "page_longest_ms": page_longest}


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
    ap.add_argument("--writers", type=int, default=8, help="HTTP writers with --via api")
    ap.add_argument("--burst-writers", type=int, default=1,
                    help="store writer processes for the burst with --via store")
    ap.add_argument("--via", choices=("store", "api"), default="store",
                    help="how the big cluster and the burst are written (see bench/ui_seed.py)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds the first paint may take before the run fails")
    ap.add_argument("--skip-latency", action="store_true", help="only first paint and burst")
    ap.add_argument("--profile", type=Path, default=None,
                    help="directory for Chromium CPU profiles of the first paint and burst")
    ap.add_argument("--no-report", action="store_true",
                    help="print the results; leave bench/results and docs alone")
    args = ap.parse_args()
    baseline = measure_and_print()  # before the cluster and browser start: the machine alone
    var_dir = Path(tempfile.mkdtemp(prefix="kubelab-bench-ui-"))
    from playwright.sync_api import sync_playwright
    with running_cluster(var_dir, nodes=0, runtime="simulated") as server:
        URL, TOKEN = server.url, server.admin_token
        cookie = login_cookie(URL, TOKEN)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            lat = [] if args.skip_latency else latency(browser, cookie, args)
            big = first_paint_and_burst(browser, server, cookie, args)
            browser.close()
    results = {"clients": args.clients, "writes": 0 if args.skip_latency else args.writes,
               "latency_p50_ms": round(statistics.median(lat), 1) if lat else None,
               "latency_p99_ms": round(pct(lat, 0.99), 1) if lat else None,
               "latency_max_ms": round(max(lat), 1) if lat else None,
               "nodes": args.nodes, "pods": args.pods, "via": args.via,
               "first_paint_s": round(big["painted_ms"] / 1000, 2),
               "snapshot_arrived_s": round((big["snapshot_ms"] or 0) / 1000, 2),
               "snapshot_mb": round((big["snapshot_bytes"] or 0) / 1e6, 1),
               "snapshot_build_s": big["snapshot_build_s"],
               "snapshot_dump_s": big["snapshot_dump_s"],
               "first_paint_longest_task_ms": round(big["paint_longest_task_ms"], 1),
               "burst_rate_asked": args.burst_rate, "burst_rate_achieved": big["achieved"],
               "longest_task_ms": round(big["longest_ms"], 1),
               "page_burst_rate": big["page_rate"],
               "page_burst_longest_task_ms": round(big["page_longest_ms"], 1),
               "load_average": round(os.getloadavg()[0], 1),
               "cpus": os.cpu_count(), "python": platform.python_version(),
               "baseline": baseline}
    print(json.dumps(results, indent=2))
    if not args.no_report:
        report(args, results)


def report(args, r: dict) -> None:
    write_results("ui", r)
    rows = [
        (f"create → pod chip in the DOM, p50 ({args.clients} other sockets open)",
         f"{r['latency_p50_ms']} ms", ""),
        ("create → pod chip in the DOM, p99", f"{r['latency_p99_ms']} ms", "≤ 100 ms"),
        (f"first paint, {args.nodes} nodes and {args.pods} pods (navigation → all drawn)",
         f"{r['first_paint_s']} s", "≤ 3 s"),
        (f"… of which navigation → snapshot arrived ({r['snapshot_mb']} MB)",
         f"{r['snapshot_arrived_s']} s", ""),
        (f"longest main-thread task during {r['burst_rate_achieved']} changes/s "
         f"(asked {args.burst_rate:g})", f"{r['longest_task_ms']} ms", "≤ 100 ms"),
        (f"… the same burst made in the page at {r['page_burst_rate']} changes/s "
         "(no socket, no JSON.parse)", f"{r['page_burst_longest_task_ms']} ms", "≤ 100 ms"),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    ratios = baseline_table(r.get("baseline"), [
        ("create → pod chip p99", r["latency_p99_ms"], "ms"),
        ("first paint", r["first_paint_s"], "s")])
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    skip = " --skip-latency" if args.skip_latency else ""
    written = ("through the store (bench/ui_seed.py: the same revision, watch event and "
               "publish as an API write, without the HTTP server as the bottleneck)"
               if args.via == "store" else "through the API")
    write_section("ui", f"""
Measured {when}.
Command: `.venv/bin/python bench/ui.py --clients {args.clients} --writes {args.writes} \
--nodes {args.nodes} --pods {args.pods} --burst-rate {args.burst_rate:g} --burst-seconds \
{args.burst_seconds:g} --via {args.via}{skip}` (SQLite, {os.cpu_count()} CPUs shared with the
browser and the cluster, headless Chromium, Python {platform.python_version()}; load average
at the end {r['load_average']}). Latency counts from just before the POST, so it is an upper
bound on commit → DOM. The big cluster and the burst are written {written}. "All drawn":
every node box and pod chip in the DOM and the frame after the last one rendered. "Longest
task" is Chromium's longtask entries (only tasks > 50 ms are reported, so 0 means none over
50 ms).

| measure | result | goal |
|---|---|---|
{table}

{ratios}
""")


URL = TOKEN = ""

if __name__ == "__main__":
    from bench.localredis import local_redis

    with local_redis():  # the one at REDIS_URL, or its own, stopped afterwards
        main()
