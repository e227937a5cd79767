"""Node simulator benchmark: N simulated nodes Ready, then P pods bound directly to them
(spread over the nodes; no scheduler involved) until all are Running, and the
simulator's memory at that size. Starts its own cluster (runtime simulated, no nodes)
and its own `manage.py simulate-nodes`.

    .venv/bin/python bench/nodes_sim.py [--nodes 1000] [--pods 10000] [--clients 8]

Writes bench/results/nodes_sim.json and the nodes-simulator section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.baseline import measure_and_print  # noqa: E402
from bench.loadgen import Client  # noqa: E402
from bench.report import baseline_table, write_results, write_section  # noqa: E402
from cluster.runner.config import BASE_DIR  # noqa: E402
from cluster.runner.harness import running_cluster  # noqa: E402

PREFIX = "bench-"
# Kubernetes' node grace (nodeMonitorGracePeriod) is 40 s; kubelab's class default is 10 s,
# which at 1,000 nodes asks for 200 lease writes/s and, on a busy 2-core machine, lets
# some leases lapse (node Unknown, pods evicted). The benchmark uses Kubernetes' value.
os.environ.setdefault("KUBELAB_NODE_GRACE_SECONDS", "40")
NAMESPACE = "bench-sim"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pod(i: int, nodes: int) -> dict:
    return {"metadata": {"name": f"p-{i:05d}", "labels": {"app": "bench"}},
            "spec": {"nodeName": f"{PREFIX}{i % nodes + 1}",
                     "containers": [{"name": "app", "image": "kubelab/hello:1",
                                     "resources": {"requests": {"cpu": "10m",
                                                                "memory": "16Mi"}}}]}}


def create_pods(url: str, token: str, count: int, nodes: int, clients: int) -> float:
    errors: list[str] = []

    def worker(start: int) -> None:
        c = Client(url, token)
        for i in range(start, count, clients):
            status, body = c.call("POST", f"/api/v1/namespaces/{NAMESPACE}/pods", pod(i, nodes))
            if status != 201:
                errors.append(f"{status} {body[:200]!r}")
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} creates failed, first: {errors[0]}")
    return time.monotonic() - t0


def wait_for(what: str, check, timeout: float) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if check():
            return time.monotonic() - t0
        time.sleep(0.25)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--pods", type=int, default=10000)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    baseline = measure_and_print()  # before the cluster starts: the machine alone
    var_dir = Path(tempfile.mkdtemp(prefix="kubelab-bench-sim-"))
    with running_cluster(var_dir, nodes=0, runtime="simulated") as server:
        os.environ.update(server.env)  # read the cluster's database in-process, cheaply
        import django
        django.setup()
        from cluster.models import Node, Pod
        c = Client(server.url, server.admin_token)
        c.call("POST", "/api/v1/namespaces", {"metadata": {"name": NAMESPACE}})

        def ready_nodes() -> int:
            return sum(1 for body in Node.objects.filter(name__startswith=PREFIX)
                       .values_list("body", flat=True)
                       if '"type":"Ready","status":"True"' in body)
        log = open(var_dir / "simulator.log", "w")  # noqa: SIM115
        t0 = time.monotonic()
        proc = subprocess.Popen([sys.executable, "manage.py", "simulate-nodes",
                                 str(args.nodes), "--prefix", PREFIX], cwd=BASE_DIR,
                                env=server.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for("nodes Ready", lambda: ready_nodes() >= args.nodes, 120)
            nodes_ready = time.monotonic() - t0
            rss_idle = rss_mib(proc.pid)
            t1 = time.monotonic()
            created = create_pods(server.url, server.admin_token, args.pods, args.nodes,
                                  args.clients)

            def running() -> bool:
                return Pod.objects.filter(namespace=NAMESPACE, phase="Running").count() \
                    >= args.pods
            wait_for("pods Running", running, 600)
            all_running = time.monotonic() - t1
            rss_loaded = rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
    results = {"nodes": args.nodes, "pods": args.pods, "clients": args.clients,
               "nodes_ready_s": round(nodes_ready, 2), "pods_created_s": round(created, 2),
               "pods_running_s": round(all_running, 2), "rss_idle_mib": round(rss_idle, 1),
               "rss_loaded_mib": round(rss_loaded, 1), "cpus": os.cpu_count(),
               "python": platform.python_version(), "baseline": baseline}
    ratios = baseline_table(baseline, [
        ("simulated nodes Ready", results["nodes_ready_s"], "s"),
        ("bound pods created", results["pods_created_s"], "s"),
        ("first create → all pods Running", results["pods_running_s"], "s")])
    write_results("nodes_sim", results)
    write_section("nodes-simulator", f"""
Measured {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}. Command:
`.venv/bin/python bench/nodes_sim.py --nodes {args.nodes} --pods {args.pods} --clients \
{args.clients}` (SQLite, {os.cpu_count()} CPUs shared, Python {platform.python_version()};
pods POSTed through the API already bound, spread over the nodes, no scheduler involved;
KUBELAB_NODE_GRACE_SECONDS={os.environ["KUBELAB_NODE_GRACE_SECONDS"]}; load average at the end
{os.getloadavg()[0]:.1f}).

| measure | result | goal |
|---|---|---|
| {args.nodes} simulated nodes Ready (process start → all Ready) | {nodes_ready:.1f} s | ≤ 10 s |
| {args.pods} bound pods created through the API ({args.clients} clients) | {created:.1f} s | |
| first create → all {args.pods} pods Running | {all_running:.1f} s | |
| simulator RSS with {args.nodes} nodes, no pods | {rss_idle:.0f} MiB | |
| simulator RSS with {args.nodes} nodes and {args.pods} pods | {rss_loaded:.0f} MiB | |

{ratios}
""")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    from bench.localredis import local_redis

    with local_redis():  # the one at REDIS_URL, or its own, stopped afterwards
        main()
