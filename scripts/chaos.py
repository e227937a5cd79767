"""`make chaos`: fault injection under churn, with the results in docs/reliability.md.

    .venv/bin/python scripts/chaos.py [--runtime simulated|docker] [--nodes 3]
                                      [--kills 10] [--writers 4] [--rate 100]

Starts its own Redis (it is one of the things killed) and its own cluster, keeps up
ConfigMap writes at --rate per second from --writers clients and scales Deployments,
kills every process (and Redis; on Docker also pod containers) --kills times each at
random moments, then checks that nothing was lost (cluster/runner/chaos.py).
Exits 1 on any violation.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.report import write_section  # noqa: E402
from cluster.runner.chaos import Chaos, Report, targets_for  # noqa: E402
from cluster.runner.harness import free_port, running_cluster  # noqa: E402
from cluster.runner.services import ensure_docker, ensure_redis  # noqa: E402

DOC = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"


def render(args, report: Report, runtime: str) -> str:
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
             f"{platform.node()} ({os.cpu_count()} cores), SQLite, {runtime} runtime, "
             f"{args.nodes} nodes; load average at the end {os.getloadavg()[0]:.1f}. "
             f"Command: `.venv/bin/python scripts/chaos.py --runtime {runtime} "
             f"--nodes {args.nodes} --kills {args.kills} --writers {args.writers} "
             f"--rate {args.rate:g}`.", "",
             f"{report.seconds:.0f} s of churn: {report.writes_ok} writes acknowledged, "
             f"{report.writes_unanswered} unanswered or refused while something was down "
             f"(ConfigMap creates, updates and deletes at up to {args.rate:g}/s from "
             f"{args.writers} clients, plus a Deployment scaled every 1.5 s). Each target "
             "was SIGKILLed at a random moment and restarted after 0.3-2 s; converged = "
             "from the restart until a probe write is acknowledged and every Deployment "
             "runs exactly its replicas.", "",
             "| killed | times | converged, median | converged, max |", "|---|---|---|---|"]
    lines += [f"| {t} | {n} | {med} | {mx} |" for t, n, med, mx in report.summary_rows()]
    lines += ["", "| check after the run | result |", "|---|---|"]
    for check, problems in report.violations.items():
        lines.append(f"| {check} | {'ok' if not problems else f'{len(problems)} violations'}"
                     " |")
    bad = [p for problems in report.violations.values() for p in problems]
    if bad:
        lines += ["", "Violations:", ""] + [f"- {p}" for p in bad[:20]]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", choices=("simulated", "docker"), default="simulated")
    ap.add_argument("--nodes", type=int, default=3)
    ap.add_argument("--kills", type=int, default=10, help="kills per target")
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--rate", type=float, default=100.0)
    args = ap.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="kubelab-chaos-"))
    docker = None
    if args.runtime == "docker":
        # From a clean clone nothing runs yet: start the engine (and stop it afterwards)
        # as the test run and the Docker benchmarks do.
        docker = ensure_docker(var_dir)
        if not docker.available:
            print(f"no Docker engine: {docker.note}", file=sys.stderr)
            return 1
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    chaos = None
    # Our own Redis on a free port: killing it must not touch anyone else's.
    redis = ensure_redis(redis_url, var_dir)
    try:
        with running_cluster(var_dir / "cluster", redis_url=redis_url, nodes=args.nodes,
                             runtime=args.runtime) as cluster:
            chaos = Chaos(cluster, redis_url, var_dir, args.runtime)
            chaos.redis = redis
            report = chaos.run(targets_for(args.runtime, args.nodes), args.kills,
                               args.writers, args.rate)
    finally:
        current = chaos.redis if chaos is not None else redis
        if current is not None:
            current.stop()
        if docker is not None:
            docker.stop()  # only if started here
    body = render(args, report, args.runtime)
    print(body)
    write_section(f"chaos-{args.runtime}", body, DOC)
    return 1 if any(report.violations.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
