"""Pod startup on Docker kubelets: created -> Running, image present, pods over 3 nodes.

    .venv/bin/python bench/nodes_docker.py [--pods 100] [--nodes 3] [--repeat 3]

Starts its own cluster (runtime docker), places pods round-robin with spec.nodeName
(the scheduler is not measured here), times each pod from its create call returning
to the watch event that shows it Running, and writes bench/results/nodes_docker.json and
the "nodes-docker" section of docs/benchmarks.md. Two offered loads, each stated in the report:
- paced: one pod every 1/RATE s (open loop, latency counted from the scheduled time),
  the way pod-startup SLOs are measured: at a load the nodes can sustain;
- burst: all pods created back to back from 4 threads, which measures how long a
  queue of container starts takes to drain (mostly waiting, not starting).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.baseline import measure_and_print  # noqa: E402
from bench.report import baseline_table, write_results, write_section  # noqa: E402
from cluster.runner.harness import running_cluster  # noqa: E402
from cluster.runner.services import ensure_docker  # noqa: E402

NS = "bench-docker"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def wait_nodes(core, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = [x for x in core.list_node().items
                 if any(c.type == "Ready" and c.status == "True"
                        for c in x.status.conditions or [])]
        if len(ready) >= n:
            return
        time.sleep(0.2)
    raise RuntimeError("nodes did not get Ready")


def measure(core, pods: int, nodes: int, rate: float = 0.0,
            prefix: str = "p") -> tuple[list[float], float]:
    """Latencies (s) of `pods` pods from creation to Running, and the time until all ran.
    rate > 0: one pod every 1/rate s, latency from its scheduled time (open loop)."""
    from kubernetes import watch

    created: dict[str, float] = {}
    running: dict[str, float] = {}
    done = threading.Event()

    def watcher() -> None:
        w = watch.Watch()
        for ev in w.stream(core.list_namespaced_pod, NS, timeout_seconds=300):
            pod = ev["object"]
            if pod.status and pod.status.phase == "Running" and \
                    pod.metadata.name.startswith(prefix) and pod.metadata.name not in running:
                running[pod.metadata.name] = time.monotonic()
                if len(running) >= pods:
                    w.stop()
        done.set()

    t = threading.Thread(target=watcher, daemon=True)
    t.start()
    time.sleep(1.0)  # the watch is established

    def create(i: int) -> None:
        name = f"{prefix}{i:04d}"
        core.create_namespaced_pod(NS, {"metadata": {"name": name, "labels": {"app": "bench"}},
                                        "spec": {"nodeName": f"node-{i % nodes + 1}",
                                                 "terminationGracePeriodSeconds": 1,
                                                 "containers": [{"name": "app",
                                                                 "image": "kubelab/hello:1"}]}})
        created.setdefault(name, time.monotonic())

    started = time.monotonic()
    if rate > 0:
        with ThreadPoolExecutor(4) as pool:
            for i in range(pods):
                due = started + i / rate
                time.sleep(max(0.0, due - time.monotonic()))
                created[f"{prefix}{i:04d}"] = due  # open loop: from the scheduled time
                pool.submit(create, i)
    else:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(create, range(pods)))
    done.wait(300)
    total = max(running.values()) - started if running else float("nan")
    # A pod may be seen Running before its create call returned to us: count that as ~0.
    return [max(0.0, running[n] - created[n]) for n in created if n in running], total


def summarise(kind: str, load: str, runs: list[tuple[list[float], float]],
              pods: int) -> dict:
    """One offered load over its repeated runs: each run's p50/p99/max/all-Running time,
    and the median [min, max] of each across runs (what the report and the charts show)."""
    per_run = [{"running": len(lat), "p50_s": round(statistics.median(lat), 3),
                "p99_s": round(pct(lat, 0.99), 3), "max_s": round(max(lat), 3),
                "all_running_s": round(total, 2)} for lat, total in runs if lat]
    out: dict = {"kind": kind, "load": load, "pods": pods, "runs": per_run,
                 "running_min": min((r["running"] for r in per_run), default=0)}
    for key in ("p50_s", "p99_s", "max_s", "all_running_s"):
        values = [r[key] for r in per_run]
        if values:
            out[key] = {"median": statistics.median(values), "min": min(values),
                        "max": max(values)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=100)
    ap.add_argument("--nodes", type=int, default=3)
    ap.add_argument("--rate", type=float, default=2.0,
                    help="pods per second for the paced run (0: skip it)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each offered load, interleaved; the median is reported")
    args = ap.parse_args()
    baseline = measure_and_print()  # before Docker and the cluster start: the machine alone
    var_dir = Path(tempfile.mkdtemp(prefix="kubelab-bench-docker-"))
    docker = ensure_docker(var_dir)
    if not docker.available:
        sys.exit(f"no Docker engine: {docker.note}")
    paced: list[tuple[list[float], float]] = []
    burst: list[tuple[list[float], float]] = []
    try:
        with running_cluster(var_dir, nodes=args.nodes, runtime="docker") as cluster:
            from kubernetes import client, config

            api = config.new_client_from_config(config_file=str(cluster.kubeconfig))
            core = client.CoreV1Api(api)
            wait_nodes(core, args.nodes)
            core.create_namespace({"metadata": {"name": NS}})
            for rep in range(max(1, args.repeat)):
                if args.rate > 0:
                    paced.append(measure(core, args.pods, args.nodes, args.rate, f"s{rep}-"))
                    _clear(core)
                burst.append(measure(core, args.pods, args.nodes, 0.0, f"b{rep}-"))
                _clear(core)
            core.delete_namespace(NS)
    finally:
        docker.stop()
    loads = ([summarise("paced", f"paced, {args.rate:g} pods/s (open loop)", paced,
                        args.pods)] if paced else [])
    loads.append(summarise("burst", "burst, back to back from 4 threads", burst, args.pods))
    command = (f".venv/bin/python bench/nodes_docker.py --pods {args.pods} --nodes "
               f"{args.nodes} --rate {args.rate:g} --repeat {args.repeat}")
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": f"{platform.node()} {os.cpu_count()} cores, "
                          f"{platform.python_version()}",
               "command": command, "load_average": round(os.getloadavg()[0], 1),
               "baseline": baseline, "pods": args.pods, "nodes": args.nodes,
               "rate": args.rate, "repeat": args.repeat, "loads": loads}
    body = render(results)
    print(body)
    write_results("nodes_docker", results)
    write_section("nodes-docker", body)


def _cell(spread: dict | None, unit: str = " s", digits: int = 2) -> str:
    if not spread:
        return "–"
    return (f"{spread['median']:.{digits}f}{unit} "
            f"[{spread['min']:.{digits}f}–{spread['max']:.{digits}f}]")


def render(r: dict) -> str:
    rows = "".join(
        f"| {x['load']} | {x['running_min']}/{x['pods']} | {_cell(x.get('p50_s'))} | "
        f"{_cell(x.get('p99_s'))} | {_cell(x.get('max_s'))} | "
        f"{_cell(x.get('all_running_s'), ' s', 1)} |\n" for x in r["loads"])
    ratios = baseline_table(r.get("baseline"), [
        (f"{x['kind']} {key[:-2]}", x[key]["median"], "s")
        for x in r["loads"] for key in ("p50_s", "p99_s") if x.get(key)])
    return (
        f"Measured {r['date']} on {r['machine']}, SQLite, load average at the end "
        f"{r['load_average']:.1f}. Command: `{r['command']}`.\n\n"
        f"{r['pods']} pods (`kubelab/hello:1`, pause + app container) per run, placed "
        f"round-robin on {r['nodes']} Docker kubelets; created → Running (seen on a watch). "
        "Paced: latency from each pod's scheduled creation time. Burst: from its create "
        "call returning, so it is mostly time queued behind the other starts. Each load is "
        f"run {r['repeat']} times, interleaved: cells are the median [min–max] of the "
        "runs' figures; \"pods Running\" is the fewest in any run.\n\n"
        "| offered load | pods Running | p50 | p99 | max | all Running after |\n"
        "|---|---|---|---|---|---|\n" + rows + "\n"
        "Goal: p99 ≤ 1.5 s (at a load the nodes sustain: the paced row). For scale: "
        "Kubernetes' SLO is p99 ≤ 5 s." + (f"\n\n{ratios}" if ratios else ""))


def _clear(core) -> None:
    core.delete_collection_namespaced_pod(NS, grace_period_seconds=0)
    _cleanup()


def _cleanup() -> None:
    """Wait until the bench's containers are gone (the kubelets remove them)."""
    import docker

    client = docker.from_env()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and client.api.containers(
            all=True, filters={"label": ["kubelab=1", f"kubelab.pod.namespace={NS}"]}):
        time.sleep(0.5)


if __name__ == "__main__":
    from bench.localredis import local_redis

    with local_redis():
        main()
