"""Controllers benchmark: 100 Deployments x 5 replicas until all Available, then one
Deployment scaled 0 -> 1,000 until every pod is Running.

Pods are bound and run by the fake kubelet of tests/controllers (HTTP, one thread), the
stand-in until the node simulator and scheduler run in every cluster; its own speed is
part of what is measured. Run: .venv/bin/python bench/controllers.py [--deployments N]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import write_section  # noqa: E402
from cluster.runner.harness import running_cluster  # noqa: E402
from tests.controllers.fakekubelet import FakeKubelet  # noqa: E402
from tests.controllers.helpers import deployment, new_namespace  # noqa: E402


def _available(api, ns: str, want: int) -> int:
    items = api.call("GET", f"/apis/apps/v1/namespaces/{ns}/deployments")[1]["items"]
    return sum(1 for d in items if (d.get("status") or {}).get("availableReplicas") == want)


def _running(api, ns: str) -> int:
    return sum(1 for p in api.pods(ns) if (p.get("status") or {}).get("phase") == "Running"
               and not p["metadata"].get("deletionTimestamp"))


def _until(check, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(0.2)
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deployments", type=int, default=100)
    parser.add_argument("--replicas", type=int, default=5)
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args()
    with running_cluster(Path(tempfile.mkdtemp(prefix="bench-ctl-")), runtime="docker",
                         nodes=0) as server:
        from tests.controllers.fakekubelet import Api
        api = Api(server)
        ns = new_namespace(api)
        with FakeKubelet(server, ns, nodes=10):
            start = time.monotonic()
            for i in range(args.deployments):
                api.call("POST", f"/apis/apps/v1/namespaces/{ns}/deployments",
                         deployment(f"d{i}", args.replicas))
            created = time.monotonic() - start
            took = _until(lambda: _available(api, ns, args.replicas) == args.deployments,
                          args.timeout)
            all_available = None if took is None else took + created
        ns2 = new_namespace(api)
        with FakeKubelet(server, ns2, nodes=10):
            api.call("POST", f"/apis/apps/v1/namespaces/{ns2}/deployments",
                     deployment("big", 0))
            start = time.monotonic()
            api.call("PATCH", f"/apis/apps/v1/namespaces/{ns2}/deployments/big",
                     {"spec": {"replicas": args.scale}}, patch="merge-patch")
            scaled = _until(lambda: _running(api, ns2) >= args.scale, args.timeout)
    fmt = lambda s: "timed out" if s is None else f"{s:.1f} s"  # noqa: E731
    body = (f"Command: `.venv/bin/python bench/controllers.py` (fake kubelet over HTTP, "
            f"10 fake nodes, SQLite, one controllers worker)\n\n"
            f"| case | result |\n|---|---|\n"
            f"| {args.deployments} Deployments x {args.replicas} replicas, all Available | "
            f"{fmt(all_available)} |\n"
            f"| one Deployment 0 -> {args.scale} replicas, all Running | {fmt(scaled)} |\n")
    print(body)
    write_section("controllers", body)


if __name__ == "__main__":
    main()
