"""Scheduler benchmark: 1,000 Node objects, 10,000 pods with mixed requests, some node
selectors, taints/tolerations and hostname anti-affinity. Runs the scheduler's own
loop (`scheduler.worker.drain`, what the Celery task runs) in this process against a
private SQLite database and Redis DB, so it measures the scheduler, not the broker.

Each run: create all pods (through the store, queued as the route would), then drain
the backlog: throughput = pods bound / drain time; latency = creation -> binding
(in a backlog this is mostly queue wait) and the cycle time per pod (filter + score
+ explanation, without the writes). Runs: with explanations, without them, and with
explanations but no equivalence cache (what caching buys).

    .venv/bin/python bench/scheduler.py [--nodes 1000] [--pods 10000]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["KUBELAB_VAR_DIR"] = tempfile.mkdtemp(prefix="kubelab-bench-sched-")


def setup() -> object:
    from cluster.runner.harness import DEFAULT_REDIS_URL
    from cluster.runner.redis_lease import claim_redis_db
    lease = claim_redis_db(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    os.environ["REDIS_URL"] = lease.url
    import django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    settings.KUBELAB_EVENT_ROUTES = []  # no workers here: the bench queues pods itself
    call_command("migrate", verbosity=0)
    from cluster import store
    from cluster.models import Revision
    Revision.objects.get_or_create(id=1)
    store.create("Namespace", {"metadata": {"name": "default"}})
    return lease


def make_nodes(n: int) -> None:
    from cluster import store
    from tests.scheduler.helpers import node
    for i in range(n):
        labels = {"topology.kubernetes.io/zone": f"z{i % 10}",
                  "disk": "ssd" if i % 4 == 0 else "hdd"}
        taints = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}] \
            if i % 20 == 0 else None
        store.create("Node", node(f"node-{i:04d}", cpu="16", memory="64Gi",
                                  labels=labels, taints=taints))


def make_pods(run: str, n: int, rng: random.Random) -> dict[str, float]:
    from cluster import store
    from scheduler import kick, queue
    from tests.scheduler.helpers import pod
    created = {}
    shapes = [("100m", "128Mi"), ("250m", "256Mi"), ("500m", "512Mi"), ("1", "1Gi")]
    for i in range(n):
        cpu, mem = shapes[i % 4]
        extra: dict = {}
        labels = {"app": f"{run}-app{i % 50}"}
        if i % 10 == 1:
            extra["nodeSelector"] = {"disk": "ssd"}
        if i % 25 == 2:
            extra["tolerations"] = [{"key": "dedicated", "operator": "Exists"}]
        if i % 50 == 3:
            labels = {"app": f"{run}-spread{i % 7}"}
            extra["affinity"] = {"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchLabels": labels},
                    "topologyKey": "kubernetes.io/hostname"}]}}
        body = pod(f"{run}-{i:05d}", cpu, mem, labels=labels, **extra)
        body["metadata"].pop("uid")
        obj = store.create("Pod", body)
        created[f"default/{obj['metadata']['name']}"] = time.time()
        queue.add(kick.pod_key(obj), 0, kick.created_ms(obj))
    return created


def drain_run(run: str, pods: int, explain: bool, equivalence: bool) -> dict:
    from cluster.models import Pod
    from scheduler import cycle, settings, worker
    settings.EQUIVALENCE_CACHE = equivalence
    settings.EXPLAIN = explain
    worker.SCHEDULED_EVENTS = False  # measured separately: it is one more write per pod
    worker.reset()
    created = make_pods(run, pods, random.Random(1))
    cycle_times: list[float] = []
    original = cycle.schedule

    def timed(*a, **kw):
        result = original(*a, **kw)
        cycle_times.append(result.duration)
        return result
    cycle.schedule = timed
    bound_at: dict[str, float] = {}
    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    from scheduler import queue
    while True:
        key = queue.pop()
        if key is None:
            break
        outcome = worker.schedule_key(key)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome == "bound":
            bound_at[key] = time.time()
    elapsed = time.perf_counter() - started
    cycle.schedule = original
    latencies = sorted(bound_at[k] - created[k] for k in bound_at)
    bound = Pod.objects.filter(name__startswith=f"{run}-").exclude(node_name="").count()
    return {"run": run, "explain": explain, "equivalence": equivalence, "pods": pods,
            "bound": bound, "outcomes": outcomes, "seconds": round(elapsed, 2),
            "throughput": round(len(bound_at) / elapsed, 1),
            "latency_p50": round(statistics.median(latencies), 3) if latencies else None,
            "latency_p99": round(latencies[int(len(latencies) * 0.99) - 1], 3)
            if latencies else None,
            "cycle_p50_ms": round(statistics.median(cycle_times) * 1000, 2),
            "cycle_p99_ms": round(sorted(cycle_times)[int(len(cycle_times) * 0.99) - 1]
                                  * 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--pods", type=int, default=10000)
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    lease = setup()
    try:
        make_nodes(args.nodes)
        from cluster.models import Pod
        runs = []
        for run, explain, eq in (("explained", True, True), ("plain", False, True),
                                 ("nocache", True, False)):
            runs.append(drain_run(run, args.pods, explain, eq))
            print(runs[-1], flush=True)
            Pod.objects.all().delete()  # bench-only reset between runs (not the store)
            from scheduler import worker
            worker.reset()
    finally:
        from scheduler import queue
        queue.clear()
        lease.release()
    if not args.no_doc:
        from bench.report import write_section
        write_section("scheduler", report(args, runs))


HEADER = ("| run | decision annotation | equivalence cache | bound | pods/s | cycle p50 / p99 "
          "| create->bind p50 / p99 |")


def report(args, runs: list[dict]) -> str:
    rows = "\n".join(
        f"| {r['run']} | {'yes' if r['explain'] else 'no'} | "
        f"{'on' if r['equivalence'] else 'off'} | {r['bound']}/{r['pods']} | "
        f"{r['throughput']} | {r['cycle_p50_ms']} / {r['cycle_p99_ms']} ms | "
        f"{r['latency_p50']} / {r['latency_p99']} s |" for r in runs)
    command = f".venv/bin/python bench/scheduler.py --nodes {args.nodes} --pods {args.pods}"
    return f"""Command: `{command}`
(SQLite, in-process scheduler loop = what the `scheduler` Celery task runs; 2 shared cores.)

{args.nodes} nodes (16 cpu, 64Gi; 10 zones; 1 in 20 tainted), {args.pods} pods per run
(100m-1 cpu; 10% with a nodeSelector, 4% tolerating the taint, 2% with hostname
anti-affinity). All pods are created first, then the backlog is drained one pod at a
time: creation -> binding latency is therefore mostly time waiting in the queue.

{HEADER}
|---|---|---|---|---|---|---|
{rows}

What each technique buys: relaxed randomisation (percentageOfNodesToScore, adaptive:
42% at 1,000 nodes) caps each cycle at ~420 examined nodes; the equivalence cache
(compare `explained` with `nocache`) reuses verdicts and raw scores for nodes unchanged
since the last pod of the same class; the annotation's cost is `explained` vs `plain`.
Binding writes (one store transaction per pod) are included in pods/s; Scheduled
Events (one more write per pod) are not.
"""


if __name__ == "__main__":
    main()
