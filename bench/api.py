"""API benchmark: latency at a stated open-loop load, throughput in a closed loop,
commit → watch delivery. Starts its own cluster per database (SQLite, PostgreSQL).

    .venv/bin/python bench/api.py [--databases sqlite,postgres] [--seconds 10]

Writes bench/results/api.json and the API section of docs/benchmarks.md.
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
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.baseline import measure_and_print  # noqa: E402
from bench.loadgen import Client, closed_loop, open_loop, summary  # noqa: E402
from bench.report import baseline_table, write_results, write_section  # noqa: E402
from cluster.runner.harness import running_cluster  # noqa: E402
from cluster.runner.services import ensure_postgres, ensure_redis  # noqa: E402

LIST_SIZE = 1000
RATE = 100.0
CLIENTS = 20


def pod(name: str, labels: dict | None = None, annotations: dict | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": labels or {"app": "bench"},
                         "annotations": annotations or {}},
            # A scheduler nobody serves: this measures the API server, not scheduling.
            "spec": {"schedulerName": "kubelab-bench-unscheduled",
                     "containers": [{"name": "app", "image": "kubelab/hello:1",
                                     "resources": {"requests": {"cpu": "10m",
                                                                "memory": "16Mi"}}}]}}


def prepare(url: str, token: str) -> None:
    c = Client(url, token)
    for ns in ("bench-list", "bench-rw", "bench-watch", "bench-closed"):
        c.call("POST", "/api/v1/namespaces", {"metadata": {"name": ns}})
    for i in range(LIST_SIZE):
        status, body = c.call("POST", "/api/v1/namespaces/bench-list/pods", pod(f"l-{i:04d}"))
        assert status == 201, body
    for i in range(200):
        c.call("POST", "/api/v1/namespaces/bench-rw/pods", pod(f"rw-{i:03d}"))


class WatchProbe:
    """A raw watch client: records when each event line arrives, keyed by pod name."""

    def __init__(self, url: str, token: str, namespace: str) -> None:
        self.arrived: dict[str, float] = {}
        self.client = Client(url, token)
        self.namespace = namespace
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.ready = threading.Event()

    def _run(self) -> None:
        conn = self.client.conn
        conn.request("GET", f"/api/v1/namespaces/{self.namespace}/pods?watch=1"
                     "&timeoutSeconds=600", headers=self.client.headers)
        resp = conn.getresponse()
        self.ready.set()
        while True:
            line = resp.readline()  # http.client undoes the chunked framing
            if not line:
                return
            if not line.strip():
                continue
            event = json.loads(line)
            self.arrived.setdefault(event["object"]["metadata"]["name"], time.perf_counter())

    def start(self) -> None:
        self.thread.start()
        self.ready.wait(10)


def measure_open_loop(url: str, token: str, seconds: float) -> dict:
    sent: dict[str, float] = {}
    answered: dict[str, float] = {}
    probe = WatchProbe(url, token, "bench-watch")
    probe.start()
    run = uuid.uuid4().hex[:6]

    def create(c: Client, i: int):
        name = f"o-{run}-{i}"
        sent[name] = time.perf_counter()
        status, _ = c.call("POST", "/api/v1/namespaces/bench-watch/pods", pod(name))
        answered[name] = time.perf_counter()
        return "create", status == 201

    def get(c: Client, i: int):
        status, _ = c.call("GET", f"/api/v1/namespaces/bench-rw/pods/rw-{i % 200:03d}")
        return "get", status == 200

    def update(c: Client, i: int):
        path = f"/api/v1/namespaces/bench-rw/pods/rw-{(i * 7) % 200:03d}"
        status, _ = _merge_patch(c, path, {"metadata": {"annotations": {"i": str(i)}}})
        return "update", status == 200

    def list_pods(c: Client, i: int):
        status, body = c.call("GET", "/api/v1/namespaces/bench-list/pods")
        return "list-1000", status == 200 and body.count(b'"kind":"Pod"') == LIST_SIZE

    # A mix at 100 requests/s in total: 30% create, 40% get, 20% update, 10% list.
    mix = [create, get, get, get, get, update, update, list_pods, create, create]
    samples = open_loop(url, token, RATE, seconds, CLIENTS, lambda i: mix[i % len(mix)])
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline and len(probe.arrived) < len(sent):
        time.sleep(0.05)
    watch_from_send = [probe.arrived[n] - sent[n] for n in sent if n in probe.arrived]
    watch_from_reply = [max(0.0, probe.arrived[n] - answered[n]) for n in answered
                        if n in probe.arrived]
    result = {op: summary(v) for op, v in samples.latencies.items()}
    result["errors"] = samples.errors
    result["watch_missing"] = len(sent) - len(watch_from_send)
    result["watch (create sent -> event)"] = summary(watch_from_send)
    result["watch (create answered -> event)"] = summary(watch_from_reply)
    return result


def _merge_patch(c: Client, path: str, body: dict) -> tuple[int, bytes]:
    saved = c.headers["Content-Type"]
    c.headers["Content-Type"] = "application/merge-patch+json"
    try:
        return c.call("PATCH", path, body)
    finally:
        c.headers["Content-Type"] = saved


def measure_closed_loop(url: str, token: str, seconds: float) -> dict:
    run = uuid.uuid4().hex[:6]

    def create(c: Client, i: int):
        status, _ = c.call("POST", "/api/v1/namespaces/bench-closed/pods", pod(f"c-{run}-{i}"))
        return "create", status == 201

    def get(c: Client, i: int):
        status, _ = c.call("GET", f"/api/v1/namespaces/bench-rw/pods/rw-{i % 200:03d}")
        return "get", status == 200

    creates, create_errors = closed_loop(url, token, seconds, CLIENTS, create)
    gets, get_errors = closed_loop(url, token, seconds, CLIENTS, get)
    return {"creates_per_s": creates, "create_errors": create_errors,
            "gets_per_s": gets, "get_errors": get_errors}


def bench_database(label: str, database_url: str | None, seconds: float, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"kubelab-bench-{label}-") as tmp, \
            running_cluster(Path(tmp), database_url=database_url, nodes=0,
                            runtime="simulated") as cluster:
        prepare(cluster.url, cluster.admin_token)
        result: dict = {"open_loop": [], "closed_loop": []}
        for run in range(1, runs + 1):
            print(f"[{label}] run {run}/{runs}: open loop at {RATE:.0f} req/s for "
                  f"{seconds:.0f}s, then closed loop with {CLIENTS} clients", flush=True)
            result["open_loop"].append(measure_open_loop(cluster.url, cluster.admin_token,
                                                         seconds))
            result["closed_loop"].append(measure_closed_loop(cluster.url,
                                                             cluster.admin_token, seconds))
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    baseline = measure_and_print()  # before any cluster runs: the machine alone
    var = Path(tempfile.mkdtemp(prefix="kubelab-bench-"))
    redis = ensure_redis(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), var)
    results: dict = {"machine": f"{platform.node()} {os.cpu_count()} cores, "
                                f"{platform.python_version()}",
                     "command": " ".join([".venv/bin/python bench/api.py", *sys.argv[1:]]),
                     "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                     "baseline": baseline}
    pg = None
    try:
        for label in args.databases.split(","):
            if label == "postgres":
                pg = ensure_postgres()
                results[label] = bench_database(label, pg.url, args.seconds, args.runs)
            else:
                results[label] = bench_database(label, None, args.seconds, args.runs)
    finally:
        if pg is not None and pg.started:
            pg.stop()
        if redis.started:
            redis.stop()
    write_results("api", results)
    write_section("api", render_markdown(results))
    print(json.dumps(results, indent=2))
    return 0


def render_markdown(r: dict) -> str:
    lines = [f"Measured {r['date']} on {r['machine']}. Command: `{r['command']}`.", "",
             f"Open loop: {RATE:.0f} requests/s in total over {CLIENTS} keep-alive clients, "
             "latency counted from each request's scheduled time (mix: 30% create, 40% get, "
             "20% update, 10% list of 1,000 pods). Closed loop: 20 clients back to back.", "",
             "| metric | goal | " + " | ".join(k for k in ("sqlite", "postgres") if k in r)
             + " |", "|---|---|" + "---|" * sum(k in r for k in ("sqlite", "postgres"))]
    rows = [("create p99 (ms)", "≤ 50", "open_loop", ("create", "p99_ms")),
            ("get p99 (ms)", "≤ 50", "open_loop", ("get", "p99_ms")),
            ("update p99 (ms)", "≤ 50", "open_loop", ("update", "p99_ms")),
            ("list 1,000 pods p99 (ms)", "≤ 150", "open_loop", ("list-1000", "p99_ms")),
            ("create sent → watch event p99 (ms)", "≤ 50 (commit → watch)", "open_loop",
             ("watch (create sent -> event)", "p99_ms")),
            ("create answered → watch event p99 (ms)", "", "open_loop",
             ("watch (create answered -> event)", "p99_ms")),
            ("closed-loop pod creates/s", "≥ 200", "closed_loop", ("creates_per_s",)),
            ("closed-loop gets/s", "≥ 800", "closed_loop", ("gets_per_s",))]
    medians: list[tuple[str, float | None, str]] = []
    for name, goal, section, keys in rows:
        cells = []
        for db in ("sqlite", "postgres"):
            if db not in r:
                continue
            values = []
            for run in r[db][section]:
                value = run
                for key in keys:
                    value = value[key]
                values.append(value)
            cells.append(f"{statistics.median(values):.1f} [{min(values):.1f}–{max(values):.1f}]")
            label, unit = name.rsplit(" (", 1) if name.endswith("(ms)") else (name[:-2], "/s")
            medians.append((f"{label} [{db}]", statistics.median(values), unit.rstrip(")")))
        lines.append(f"| {name} | {goal} | " + " | ".join(cells) + " |")
    lines += ["", "Cells: median of the runs [min–max]. The load generator is Python on the "
              "same 2 cores as the server, so the closed-loop figures include its cost."]
    table = baseline_table(r.get("baseline"), medians)
    return "\n".join(lines) + (f"\n\n{table}" if table else "")


if __name__ == "__main__":
    sys.exit(main())
