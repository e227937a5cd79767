"""Controllers benchmark, on a whole cluster with the real scheduler and simulated nodes:

1. D Deployments x R replicas created back to back, until all are Available;
2. one Deployment scaled 0 -> S replicas, until every pod is Running;
3. a pod of a Deployment deleted, until its replacement is Running (K times, one at a
   time): p50 / p99 / max.

While it runs, every reconcile's record (the control-loop stream the dashboard shows:
controller, key, duration) is collected, so the report says where controller time went.

    .venv/bin/python bench/controllers.py [--nodes 100] [--deployments 100] [--replicas 5]
                                          [--scale 1000] [--deletions 50]

Writes bench/results/controllers.json and the controllers section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis  # noqa: E402

from bench.baseline import measure_and_print  # noqa: E402
from bench.report import baseline_table, write_results, write_section  # noqa: E402
from cluster.runner.harness import running_cluster  # noqa: E402
from tests.controllers.helpers import Api, deployment, new_namespace  # noqa: E402

DEP = "/apis/apps/v1/namespaces/{ns}/deployments"


class ReconcileTally:
    """Sums the reconcile records published on the cluster's reconcile channel."""

    def __init__(self, env: dict[str, str]) -> None:
        self.sub = redis.Redis.from_url(env["REDIS_URL"]).pubsub(ignore_subscribe_messages=True)
        self.sub.subscribe(env["KUBELAB_EVENTS_CHANNEL"] + ":reconciles")
        self.count: dict[str, int] = defaultdict(int)
        self.ms: dict[str, float] = defaultdict(float)
        self.worst: dict[str, float] = defaultdict(float)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                msg = self.sub.get_message(timeout=0.5)
            except redis.RedisError:  # the cluster is stopping, or Redis restarted
                time.sleep(0.5)
                continue
            if not msg:
                continue
            rec = json.loads(msg["data"])
            name, ms = rec.get("controller", "?"), float(rec.get("durationMs") or 0)
            self.count[name] += 1
            self.ms[name] += ms
            self.worst[name] = max(self.worst[name], ms)

    def take(self) -> dict[str, dict]:
        """The totals so far, then start again from zero."""
        out = {n: {"reconciles": self.count[n], "total_s": round(self.ms[n] / 1000, 2),
                   "max_ms": round(self.worst[n], 1)} for n in sorted(self.count)}
        self.count.clear()
        self.ms.clear()
        self.worst.clear()
        return out

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.sub.close()


def _until(check, timeout: float, every: float = 0.2) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(every)
    return None


def _available(api: Api, ns: str, want: int) -> int:
    items = api.call("GET", DEP.format(ns=ns))[1]["items"]
    return sum(1 for d in items if (d.get("status") or {}).get("availableReplicas") == want)


def _running(api: Api, ns: str) -> list[dict]:
    code, body = api.call("GET", f"/api/v1/namespaces/{ns}/pods?fieldSelector=status.phase"
                                 "%3DRunning")
    return [p for p in body.get("items", []) if not p["metadata"].get("deletionTimestamp")]


def many_deployments(api: Api, count: int, replicas: int, timeout: float) -> float | None:
    ns = new_namespace(api)
    start = time.monotonic()
    for i in range(count):
        api.call("POST", DEP.format(ns=ns), deployment(f"d{i}", replicas))
    left = timeout - (time.monotonic() - start)
    took = _until(lambda: _available(api, ns, replicas) == count, left)
    return None if took is None else time.monotonic() - start


def scale_up(api: Api, replicas: int, timeout: float) -> float | None:
    ns = new_namespace(api)
    api.call("POST", DEP.format(ns=ns), deployment("big", 0))
    start = time.monotonic()
    api.call("PATCH", DEP.format(ns=ns) + "/big", {"spec": {"replicas": replicas}},
             patch="merge-patch")
    took = _until(lambda: len(_running(api, ns)) >= replicas, timeout, every=0.5)
    return None if took is None else time.monotonic() - start


def replacements(api: Api, rounds: int, replicas: int = 10,
                 image: str = "busybox") -> list[float]:
    """Seconds from each pod deletion to a new pod of the Deployment Running."""
    ns = new_namespace(api)
    api.call("POST", DEP.format(ns=ns), deployment("heal", replicas, image))
    if _until(lambda: len(_running(api, ns)) == replicas, 120) is None:
        return []
    took: list[float] = []
    for _ in range(rounds):
        pods = _running(api, ns)
        known = {p["metadata"]["name"] for p in pods}
        start = time.monotonic()
        api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/{pods[0]['metadata']['name']}")
        if _until(lambda known=known: any(p["metadata"]["name"] not in known
                                          for p in _running(api, ns)), 30, every=0.02):
            took.append(time.monotonic() - start)
        _until(lambda: len(_running(api, ns)) == replicas, 30)
    return took


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--deployments", type=int, default=100)
    parser.add_argument("--replicas", type=int, default=5)
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--deletions", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--docker-deletions", type=int, default=20,
                        help="replacement rounds on a 3-node Docker cluster (0: skip)")
    args = parser.parse_args()
    if args.nodes >= 500:
        # A thousand simulated nodes renew their leases in batches that a loaded 2-core
        # machine can delay past the classroom's 10 s grace; Kubernetes' own default
        # (node-monitor-grace-period) is 40 s. The report states the value used.
        os.environ.setdefault("KUBELAB_NODE_GRACE_SECONDS", "40")
    command = "bench/controllers.py " + " ".join(sys.argv[1:])
    baseline = measure_and_print()  # before the cluster starts: the machine alone
    profile: dict[str, dict] = {}
    with running_cluster(Path(tempfile.mkdtemp(prefix="bench-ctl-")), nodes=args.nodes,
                         runtime="simulated") as server:
        api = Api(server)
        _until(lambda: len(api.call("GET", "/api/v1/nodes")[1].get("items", [])) >= args.nodes,
               60)
        tally = ReconcileTally(server.env)
        try:
            # A count of 0 skips its case (the 10,000-replica run measures scaling alone).
            all_available = scaled = None
            healed: list[float] = []
            if args.deployments:
                all_available = many_deployments(api, args.deployments, args.replicas,
                                                 args.timeout)
                profile["deployments"] = tally.take()
            if args.scale:
                scaled = scale_up(api, args.scale, args.timeout)
                profile["scale"] = tally.take()
            if args.deletions:
                healed = replacements(api, args.deletions)
                profile["replacement"] = tally.take()
        finally:
            tally.close()
    docker_healed = docker_replacements(args.docker_deletions)
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": f"{platform.node()} {os.cpu_count()} cores, "
                          f"{platform.python_version()}",
               "load_average": round(os.getloadavg()[0], 1), "command": command,
               "args": vars(args), "all_available_s": all_available, "scale_s": scaled,
               "replacement_s": {"n": len(healed), "p50": pct(healed, 0.5),
                                 "p99": pct(healed, 0.99), "max": max(healed, default=None),
                                 "each": [round(t, 3) for t in healed]},
               "docker_replacement_s": {"n": len(docker_healed),
                                        "p50": pct(docker_healed, 0.5),
                                        "p99": pct(docker_healed, 0.99),
                                        "max": max(docker_healed, default=None)},
               "reconcile_profile": profile,
               "node_grace": os.environ.get("KUBELAB_NODE_GRACE_SECONDS"),
               "baseline": baseline}
    write_results("controllers", results)
    body = render(results)
    print(body)
    write_section("controllers", body)


def docker_replacements(rounds: int) -> list[float]:
    """The replacement case again on real containers: a 3-node Docker cluster, a
    Deployment of 3 `kubelab/hello:1` (pause + app container per pod)."""
    from cluster.runner.services import ensure_docker
    if rounds <= 0:
        return []
    var_dir = Path(tempfile.mkdtemp(prefix="bench-ctl-docker-"))
    docker = ensure_docker(var_dir)  # the engine, started here (and stopped) if absent
    if not docker.available:
        print(f"no Docker engine, the Docker replacement case is skipped: {docker.note}",
              file=sys.stderr)
        return []
    try:
        with running_cluster(var_dir, nodes=3, runtime="docker") as server:
            api = Api(server)
            _until(lambda: len(api.call("GET", "/api/v1/nodes")[1].get("items", [])) >= 3,
                   60)
            return replacements(api, rounds, replicas=3, image="kubelab/hello:1")
    finally:
        if docker.started:
            docker.stop()


def scale_goal(replicas: int) -> str:
    """Issue 3's goal is 1,000 replicas in 20 s; issue 5's, 10,000 on 1,000 nodes in 60 s."""
    return "≤ 60 s" if replicas >= 10_000 else "≤ 20 s" if replicas <= 1000 else ""


def render(r: dict) -> str:
    a = r["args"]
    fmt = lambda s: "timed out" if s is None else f"{s:.2f} s"  # noqa: E731
    rep = r["replacement_s"]
    lines = [f"Measured {r['date']} on {r['machine']} (load average {r['load_average']} at "
             f"the end). Command: `.venv/bin/python {r['command'].strip()}`.", "",
             f"A whole cluster (SQLite, two controllers workers, the scheduler) with "
             f"{a['nodes']} simulated nodes (pods Running 0.5 s after binding"
             + (f"; KUBELAB_NODE_GRACE_SECONDS={r['node_grace']}" if r.get("node_grace")
                else "") + ").", "",
             "| case | goal | result |", "|---|---|---|"]
    if a["deployments"]:
        lines.append(f"| {a['deployments']} Deployments x {a['replicas']} replicas, created "
                     f"back to back, all Available | ≤ 10 s | {fmt(r['all_available_s'])} |")
    if a["scale"]:
        lines.append(f"| one Deployment 0 -> {a['scale']} replicas, all Running | "
                     f"{scale_goal(a['scale'])} | {fmt(r['scale_s'])} |")
    if a["deletions"]:
        lines.append(f"| pod deleted -> replacement Running, p50 / p99 / max of {rep['n']} | "
                     f"p99 ≤ 1 s | {fmt(rep['p50'])} / {fmt(rep['p99'])} / {fmt(rep['max'])} |")
    dock = r.get("docker_replacement_s") or {}
    if dock.get("n"):
        lines.append(f"| the same on 3 Docker nodes (real containers), p50 / p99 / max of "
                     f"{dock['n']} | p99 ≤ 2 s | {fmt(dock['p50'])} / {fmt(dock['p99'])} / "
                     f"{fmt(dock['max'])} |")
    lines += ["",
             "Where the controllers' time went (from the reconcile records):", "",
             "| case | controller | reconciles | total | slowest |", "|---|---|---|---|---|"]
    for case, per in r["reconcile_profile"].items():
        for name, t in per.items():
            lines.append(f"| {case} | {name} | {t['reconciles']} | {t['total_s']} s | "
                         f"{t['max_ms']} ms |")
    ratios = baseline_table(r.get("baseline"), [
        ("Deployments all Available", r["all_available_s"], "s"),
        ("0 → N replicas all Running", r["scale_s"], "s"),
        ("replacement p99", rep["p99"], "s"),
        ("replacement on Docker p99", dock.get("p99"), "s")])
    return "\n".join(lines) + (f"\n\n{ratios}" if ratios else "")


if __name__ == "__main__":
    from bench.localredis import local_redis

    with local_redis():
        main()
