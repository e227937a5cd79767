"""The short chaos run CI affords: every process of a simulated cluster (and Redis)
SIGKILLed once under churn; nothing acknowledged may be lost and the cluster converges.
`make chaos` is the long version (10 kills of each, and a Docker cluster)."""
from __future__ import annotations

from pathlib import Path

from cluster.runner.chaos import Chaos, targets_for
from cluster.runner.harness import free_port, running_cluster
from cluster.runner.services import ensure_redis


def test_every_process_killed_once_loses_nothing(tmp_path: Path):
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    redis = ensure_redis(redis_url, tmp_path)
    chaos = None
    try:
        with running_cluster(tmp_path / "cluster", redis_url=redis_url, nodes=3,
                             runtime="simulated") as cluster:
            chaos = Chaos(cluster, redis_url, tmp_path, "simulated", seed=7)
            chaos.redis = redis
            report = chaos.run(targets_for("simulated", 3), kills_each=1, writers=3,
                               rate=60.0, converge_timeout=90.0)
    finally:
        (chaos.redis if chaos is not None else redis).stop()
    assert {k.target for k in report.kills} == set(targets_for("simulated", 3))
    assert report.writes_ok > 100
    assert all(k.converged_after is not None for k in report.kills), report.kills
    assert not any(report.violations.values()), report.violations
