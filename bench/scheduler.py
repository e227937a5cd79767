"""Scheduler benchmark: 1,000 Node objects, 10,000 pods with mixed requests, some node
selectors, taints/tolerations and hostname anti-affinity. Runs the scheduler's own
loop (`scheduler.worker.drain`, what the Celery task runs) in this process against a
private SQLite database and Redis DB, so it measures the scheduler, not the broker.

Each run: create all pods (through the store, queued as the route would), then drain
the backlog in batches, as the worker does: throughput = pods bound / drain time;
latency = creation -> binding (in a backlog this is mostly queue wait) and the cycle
time per pod (filter + score + explanation, without the writes). Runs (RUNS):
everything on, then each technique off in turn: the decision annotation, the
equivalence cache, relaxed randomisation (every node examined), batching (one pod per
batch).

    .venv/bin/python bench/scheduler.py [--nodes 1000] [--pods 10000] [--runs "all on"]
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def setup() -> object:
    # Here, not at import: tests import this module for its result shape (_median_round).
    os.environ["KUBELAB_VAR_DIR"] = tempfile.mkdtemp(prefix="kubelab-bench-sched-")
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


# name -> (decision annotation, equivalence cache, percentage of nodes (0: adaptive),
# pods per batch): each run after the first turns one technique off.
RUNS = {
    "all on": (True, True, 0, 50),
    "no annotation": (False, True, 0, 50),
    "no equivalence cache": (True, False, 0, 50),
    "every node examined": (True, True, 100, 50),
    "no batching": (True, True, 0, 1),
}


def drain_run(run: str, rep: int, pods: int, explain: bool, equivalence: bool,
              percentage: int, batch: int) -> dict:
    from cluster.models import Pod
    from scheduler import queue, settings, worker
    settings.EQUIVALENCE_CACHE = equivalence
    settings.EXPLAIN = explain
    settings.PERCENTAGE_OF_NODES_TO_SCORE = percentage
    worker.MAX_BATCH = batch
    worker.SCHEDULED_EVENTS = True  # one Event per binding, in the batch's transaction
    worker.reset()
    prefix = f"{run.replace(' ', '-')}-{rep}"
    created = make_pods(prefix, pods, random.Random(1))
    cycle_times: list[float] = []
    original = worker.cycle.schedule

    def timed(*a, **kw):
        result = original(*a, **kw)
        cycle_times.append(result.duration)
        return result
    worker.cycle.schedule = timed
    bound_at: dict[str, float] = {}
    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    last = None
    try:
        while True:  # worker.drain's loop, noting when each batch's bindings committed
            keys = queue.pop_many(worker.next_batch_size(last))
            if not keys:
                break
            last = worker.schedule_batch(keys)
            now = time.time()
            for key in last.bound:
                bound_at[key] = now
            for outcome, n in last.outcomes.items():
                outcomes[outcome] = outcomes.get(outcome, 0) + n
    finally:
        worker.cycle.schedule = original
    elapsed = time.perf_counter() - started
    latencies = sorted(bound_at[k] - created[k] for k in bound_at)
    bound = Pod.objects.filter(name__startswith=f"{prefix}-").exclude(node_name="").count()
    return {"run": run, "explain": explain, "equivalence": equivalence,
            "percentage": percentage, "batch": batch, "pods": pods,
            "bound": bound, "outcomes": outcomes, "seconds": round(elapsed, 2),
            "throughput": round(len(bound_at) / elapsed, 1),
            "latency_p50": _pct(latencies, 0.5), "latency_p99": _pct(latencies, 0.99),
            "cycle_p50_ms": round(_pct(sorted(cycle_times), 0.5, 6) * 1000, 2),
            "cycle_p99_ms": round(_pct(sorted(cycle_times), 0.99, 6) * 1000, 2)}


def _pct(values: list[float], q: float, digits: int = 3) -> float:
    if not values:
        return 0.0
    return round(values[min(len(values) - 1, int(len(values) * q))], digits)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--pods", type=int, default=10000)
    parser.add_argument("--runs", default=",".join(RUNS),
                        help="comma-separated subset of: " + ", ".join(RUNS))
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of every run, interleaved; the median is reported")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    from bench.baseline import measure_and_print
    baseline = measure_and_print()  # before the database fills: the machine alone
    lease = setup()
    try:
        make_nodes(args.nodes)
        from cluster.models import Pod
        from scheduler import worker
        runs = []
        names = [r.strip() for r in args.runs.split(",") if r.strip()]
        rounds: dict[str, list[dict]] = {name: [] for name in names}
        for rep in range(max(1, args.repeat)):  # interleaved, so load drifts hit all runs
            for run in names:
                rounds[run].append(drain_run(run, rep, args.pods, *RUNS[run]))
                print(rounds[run][-1], flush=True)
                Pod.objects.all().delete()  # bench-only reset between runs (not the store)
                worker.reset()
        runs = [_median_round(r) for r in rounds.values()]
    finally:
        from scheduler import queue
        queue.clear()
        lease.release()
    from bench.report import write_results, write_section
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": f"{platform.node()} {os.cpu_count()} cores, "
                          f"{platform.python_version()}",
               "command": command_line(args), "load_average": round(os.getloadavg()[0], 1),
               "baseline": baseline, "nodes": args.nodes, "pods": args.pods,
               "repeat": args.repeat, "runs": runs, "rounds": rounds}
    if not args.no_doc:
        write_results("scheduler", results)
        write_section("scheduler", report(args, runs, baseline))


HEADER = ("| run | annotation | equivalence cache | nodes examined | pods per batch | bound "
          "| pods/s | vs all on | cycle p50 / p99 | create->bind p50 / p99 |")


def _median_round(rounds: list[dict]) -> dict:
    """The round with the median throughput, with every round's range beside it."""
    ordered = sorted(rounds, key=lambda r: r["throughput"])
    median = dict(ordered[len(ordered) // 2])
    median["throughput_min"] = ordered[0]["throughput"]
    median["throughput_max"] = ordered[-1]["throughput"]
    median["bound"] = min(r["bound"] for r in rounds)
    return median


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}x" if base else "-"


def command_line(args) -> str:
    return (f".venv/bin/python bench/scheduler.py --nodes {args.nodes} --pods {args.pods} "
            f"--repeat {args.repeat}" + (f' --runs "{args.runs}"'
                                         if args.runs != ",".join(RUNS) else ""))


def report(args, runs: list[dict], baseline: dict | None = None) -> str:
    from bench.report import baseline_table
    base = next((r["throughput"] for r in runs if r["run"] == "all on"), None)
    rows = "\n".join(
        f"| {r['run']} | {'yes' if r['explain'] else 'no'} | "
        f"{'on' if r['equivalence'] else 'off'} | "
        f"{'all' if r['percentage'] == 100 else 'adaptive %'} | {r['batch']} | "
        f"{r['bound']}/{r['pods']} | {r['throughput']} "
        f"[{r['throughput_min']}–{r['throughput_max']}] | "
        f"{_ratio(r['throughput'], base)} | "
        f"{r['cycle_p50_ms']} / {r['cycle_p99_ms']} ms | "
        f"{r['latency_p50']} / {r['latency_p99']} s |" for r in runs)
    command = command_line(args)
    ratios = baseline_table(baseline, [(f"pods/s, {r['run']}", r["throughput"], "/s")
                                       for r in runs])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return f"""Measured {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())} on {machine}.
Command: `{command}`
(SQLite, in-process scheduler loop = what the `scheduler` Celery task runs; 2 shared
cores, load average at the end {load}.)

{args.nodes} nodes (16 cpu, 64Gi; 10 zones; 1 in 20 tainted), {args.pods} pods per run
(100m-1 cpu; 10% with a nodeSelector, 4% tolerating the taint, 2% with hostname
anti-affinity; 50 equivalence classes, interleaved). All pods are created first, then
the backlog is drained: creation -> binding latency is therefore mostly time waiting in
the queue. pods/s counts binding writes, their decision annotations and one Scheduled
Event per pod, all committed in one transaction per batch. Each run is repeated
{args.repeat} times, interleaved: pods/s is the median [min–max]; the other columns come
from the median round; "bound" is the fewest bound in any round.

{HEADER}
|---|---|---|---|---|---|---|---|---|---|
{rows}

What each technique buys (each run below `all on` turns one off):
- batching: up to 50 pods per drain step (fewer when cycles are slow: about 100 ms of
  cycles per batch) share one read of the pods, one snapshot refresh, and one
  transaction for all their bindings, annotations and Scheduled Events
  (`cluster/store_batch.py`: one UPDATE statement run for every pod, one INSERT of the
  watch events) — compare `no batching`;
- relaxed randomisation (kube-scheduler's adaptive percentageOfNodesToScore, 42% at
  1,000 nodes: stop after ~420 feasible nodes, from a random offset) — compare
  `every node examined`;
- equivalence classes with score caching (verdicts and raw scores reused for nodes
  unchanged since the last pod of the same class) — compare `no equivalence cache`.
  The bench interleaves 50 classes, so a class's cache warms over its first visits:
  it buys more with more pods per class;
- filters and scorers that say they have nothing to do for a pod (no nodeSelector, no
  affinity terms, no spread constraints: kube-scheduler's PreFilter/PreScore Skip) are
  not asked node after node (always on; halves the cycle's CPU time with the rest).
The annotation's cost is `no annotation` vs `all on`. It keeps the 20 best nodes with
every plugin's raw, normalised and weighted score (as columns, one value per plugin),
plus counts per rejection reason: about 3.3 KB of JSON at 1,000 nodes.

Before batching (commit 2c5c25c: one pod per cycle, one transaction per binding, every
filter and scorer asked on every examined node), the same command measured 17.0 pods/s
with the annotation, 22.3 without, 20.4 without the equivalence cache, and that was
without Scheduled Events (a second transaction per pod); the cycle alone took 4.5 ms
of CPU per pod against 2.1 ms now (same 1,500 in-memory decisions, identical choices).

{ratios}
"""


if __name__ == "__main__":
    from bench.localredis import local_redis

    with local_redis():
        main()
