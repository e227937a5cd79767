"""Time-travel benchmark: how long a seek takes to draw, anywhere in a 100,000-event history.

No cluster: it synthesises a recorded-session file (dashboard/history_format.py) of
realistic churn — pods created pending, bound, started, some restarted or failing,
terminated and deleted; nodes going NotReady and back, cordoned and uncordoned — and loads
it in headless Chromium through the /replay page, the same code the live timeline runs.
The page and static files come from a small local HTTP server, since /replay needs no
database, Redis or login. Then, at `--seeks` random moments, one after another:

    seek (timeline.seekTime) → state rebuilt from the nearest keyframe → map, panels and
    lists redrawn (the "kubelab:rendered" frame) → the task after that frame's paint

is timed in the page with performance.now(). Also reported: reading the file (parse and
keyframes) and the page's JS heap afterwards.

    .venv/bin/python bench/timetravel.py --events 5000 --seeks 20        # smoke
    .venv/bin/python bench/timetravel.py                                  # 100,000 events

Writes bench/results/timetravel.json and the timetravel section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.baseline import measure_and_print  # noqa: E402
from bench.report import baseline_table, write_results, write_section  # noqa: E402
from tests.dashboard.helpers import CHROMIUM_ARGS  # noqa: E402

BASE = Path(__file__).resolve().parents[1]
NAMESPACES = ["team-a", "team-b", "team-c", "demo"]
SEEK_JS = """async (t) => {
  const started = performance.now();
  const painted = new Promise((done) => window.addEventListener("kubelab:rendered",
    () => setTimeout(done, 0), { once: true }));  // the task after the frame's paint
  window.kubelab.timeline.seekTime(t);
  await painted;
  return performance.now() - started;
}"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


class Synth:
    """A cluster's churn as (type, object) changes, each stamped with a revision and time."""

    def __init__(self, nodes: int, pods: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.rev = 1000
        self.t = 1_767_000_000_000  # ms
        self.target = pods
        self.serial = 0
        self.nodes = {f"node-{i:03d}": self.node(f"node-{i:03d}", i) for i in range(nodes)}
        self.pods: dict[str, dict] = {}
        self.events: list[dict] = []
        for _ in range(pods):  # the base: a cluster already busy
            p = self.pod()
            self.bind(p)
            p["status"]["phase"] = "Running"
            self.pods[p["metadata"]["name"]] = p

    def node(self, name: str, i: int) -> dict:
        return {"apiVersion": "v1", "kind": "Node",
                "metadata": {"name": name, "resourceVersion": "1", "labels": {
                    "kubernetes.io/hostname": name,
                    "topology.kubernetes.io/zone": f"zone-{'abc'[i % 3]}"}},
                "spec": {},
                "status": {"capacity": {"cpu": "8", "memory": "32Gi", "pods": "110"},
                           "allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110"},
                           "conditions": [{"type": "Ready", "status": "True",
                                           "reason": "KubeletReady"}]}}

    def pod(self) -> dict:
        self.serial += 1
        app = self.rnd.choice(["web", "api", "worker", "cache", "batch"])
        ns = self.rnd.choice(NAMESPACES)
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": f"{app}-{self.serial:06d}", "namespace": ns, "uid": f"uid-{self.serial}",
            "resourceVersion": "1", "labels": {"app": app, "tier": "backend"},
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                 "name": f"{app}-5d8f", "uid": f"rs-{app}",
                                 "controller": True}]},
            "spec": {"containers": [{"name": app, "image": f"kubelab/hello:{1 + self.serial % 2}",
                                     "resources": {"requests": {"cpu": "100m",
                                                                "memory": "64Mi"}}}]},
            "status": {"phase": "Pending", "conditions": [
                {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]}}

    def bind(self, p: dict) -> None:
        p["spec"]["nodeName"] = self.rnd.choice(list(self.nodes))
        p["status"]["conditions"] = [{"type": "PodScheduled", "status": "True"}]

    def emit(self, kind: str, typ: str, obj: dict) -> None:
        self.rev += 1
        self.t += self.rnd.choice([5, 20, 50, 120, 400, 1500])
        obj = json.loads(json.dumps(obj))  # each event has its own body, as the store's rows do
        obj["metadata"]["resourceVersion"] = str(self.rev)
        self.events.append({"rev": self.rev, "t": self.t, "type": typ, "kind": kind,
                            "object": obj})

    def step(self) -> None:
        r = self.rnd.random()
        if r < 0.03:  # a node flaps or is cordoned
            n = self.nodes[self.rnd.choice(list(self.nodes))]
            if self.rnd.random() < 0.5:
                ready = n["status"]["conditions"][0]
                ready["status"] = "Unknown" if ready["status"] == "True" else "True"
            else:
                n["spec"]["unschedulable"] = not n["spec"].get("unschedulable", False)
            self.emit("Node", "MODIFIED", n)
            return
        if len(self.pods) < self.target * self.rnd.uniform(0.8, 1.2):
            p = self.pod()
            self.pods[p["metadata"]["name"]] = p
            self.emit("Pod", "ADDED", p)
            return
        name = self.rnd.choice(list(self.pods))
        p = self.pods[name]
        phase = p["status"]["phase"]
        if "deletionTimestamp" in p["metadata"]:
            del self.pods[name]
            self.emit("Pod", "DELETED", p)
        elif not p["spec"].get("nodeName"):
            self.bind(p)
            self.emit("Pod", "MODIFIED", p)
        elif phase == "Pending":
            p["status"]["phase"] = "Running" if self.rnd.random() < 0.9 else "Failed"
            self.emit("Pod", "MODIFIED", p)
        elif self.rnd.random() < 0.3:  # a restart: status changes, the pod stays
            p["status"]["containerStatuses"] = [{"name": "app", "restartCount":
                                                 self.rnd.randint(1, 5), "ready": True}]
            self.emit("Pod", "MODIFIED", p)
        else:
            p["metadata"]["deletionTimestamp"] = "2026-01-01T01:00:00Z"
            self.emit("Pod", "MODIFIED", p)


def write_session(path: Path, events: int, nodes: int, pods: int, seed: int) -> int:
    synth = Synth(nodes, pods, seed)
    base = list(synth.nodes.values()) + list(synth.pods.values())
    base = json.loads(json.dumps(base))
    base += [{"kind": "Namespace", "metadata": {"name": ns}} for ns in NAMESPACES]
    start_rev, start_t = synth.rev, synth.t
    while len(synth.events) < events:
        synth.step()
    with gzip.open(path, "wt", compresslevel=5) as out:
        out.write(json.dumps({"format": "kubelab-session", "version": 1, "by": "bench",
                              "from": start_rev, "to": synth.rev, "events": events}) + "\n")
        out.write(json.dumps({"snapshot": {"rv": start_rev, "t": start_t - 1,
                                           "objects": base}}) + "\n")
        for ev in synth.events:
            out.write(json.dumps(ev, separators=(",", ":")) + "\n")
    return synth.t - start_t


def serve(page_html: bytes) -> ThreadingHTTPServer:
    """/replay (rendered once by Django) and /static/ from the tree, nothing else."""
    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
            if self.path.split("?")[0] == "/replay":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(page_html)
            elif self.path.startswith("/static/"):
                super().do_GET()
            else:
                self.send_error(404)

        def log_message(self, *args) -> None:
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(BASE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def replay_page() -> bytes:
    import django

    django.setup()
    from django.test import RequestFactory

    from dashboard.history_views import replay
    return replay(RequestFactory().get("/replay")).content


def measure(url: str, session: Path, args: argparse.Namespace) -> dict:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{url}/replay")
        started = time.monotonic()
        page.set_input_files("#replay-file", str(session))
        page.wait_for_function("() => document.querySelector('#connection').textContent"
                               ".startsWith('replay:')", timeout=600_000, polling=200)
        loaded = time.monotonic() - started
        t0, t1 = page.evaluate("() => [window.kubelab.timeline.history.t0,"
                               " window.kubelab.timeline.history.tEnd]")
        rnd = random.Random(args.seed + 1)
        for _ in range(3):  # warm-up: first-time code paths, not seeks
            page.evaluate(SEEK_JS, rnd.uniform(t0, t1))
        times = [page.evaluate(SEEK_JS, rnd.uniform(t0, t1)) for _ in range(args.seeks)]
        heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : 0")
        chips = page.evaluate("() => document.querySelectorAll('.pod').length")
        browser.close()
    return {"load_s": round(loaded, 2), "seek_p50_ms": round(statistics.median(times), 1),
            "seek_p95_ms": round(pct(times, 0.95), 1), "seek_max_ms": round(max(times), 1),
            "heap_mib": round(heap / 2**20, 1), "pod_chips_last": chips}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--seeks", type=int, default=300)
    ap.add_argument("--nodes", type=int, default=30)
    ap.add_argument("--pods", type=int, default=600, help="pods alive at a time, about")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    baseline = measure_and_print()  # before the browser starts: the machine alone
    work = Path(tempfile.mkdtemp(prefix="kubelab-bench-timetravel-"))
    session = work / "session.jsonl.gz"
    span_ms = write_session(session, args.events, args.nodes, args.pods, args.seed)
    server = serve(replay_page())
    try:
        found = measure(f"http://127.0.0.1:{server.server_address[1]}", session, args)
    finally:
        server.shutdown()
    results = {"events": args.events, "seeks": args.seeks, "nodes": args.nodes,
               "pods": args.pods, "history_minutes": round(span_ms / 60000, 1),
               "file_mib": round(session.stat().st_size / 2**20, 1), **found,
               "cpus": os.cpu_count(), "python": platform.python_version(),
               "baseline": baseline}
    session.unlink()
    write_results("timetravel", results)
    r = results
    rows = [
        (f"seek → drawn and painted, p95 ({args.seeks} random moments)",
         f"{r['seek_p95_ms']} ms", "≤ 500 ms"),
        ("seek → drawn and painted, max", f"{r['seek_max_ms']} ms", "≤ 500 ms"),
        ("seek → drawn and painted, p50", f"{r['seek_p50_ms']} ms", ""),
        (f"reading the file ({r['file_mib']} MiB gzip) and building keyframes",
         f"{r['load_s']} s", ""),
        ("page JS heap afterwards", f"{r['heap_mib']} MiB", ""),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    ratios = baseline_table(baseline, [("seek p95", r["seek_p95_ms"], "ms"),
                                       ("reading and keyframes", r["load_s"], "s")])
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    write_section("timetravel", f"""
Measured {when}.
Command: `.venv/bin/python bench/timetravel.py --events {args.events} --seeks {args.seeks} \
--nodes {args.nodes} --pods {args.pods}` ({os.cpu_count()} CPUs, headless Chromium, Python
{platform.python_version()}; load average at the end {os.getloadavg()[0]:.1f}). A synthetic
recorded session of {args.events} pod and node changes over {r['history_minutes']} minutes
(about {args.pods} pods alive on {args.nodes} nodes) loaded through /replay; each seek is
timed in the page from `seekTime()` to the task after the redrawn frame's paint
(keyframes every 1,000 events, so at most 999 changes are applied per seek).

| measure | result | goal |
|---|---|---|
{table}

{ratios}
""")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
