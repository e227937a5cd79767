"""`python -m cluster.runner.testrun`: what `make test` runs.

Steps: lint, the whole suite on SQLite, then the cluster tests again on a fresh
PostgreSQL database. Every step runs even if an earlier one failed, so one run
shows everything; any failure (pytest exit 5, "no tests collected", included)
fails the whole run. Services we start for the run are stopped at the end.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cluster.runner.config import BASE_DIR
from cluster.runner.databases import create_database, drop_database
from cluster.runner.services import ServiceHandle, ensure_docker, ensure_postgres, ensure_redis

PYTEST_ARGS = ["-p", "no:cacheprovider", "--timeout", "120", "-rs", "--durations=20"]
EXIT_MEANING = {1: "tests failed", 2: "interrupted", 3: "internal error", 4: "usage error",
                5: "no tests collected"}


@dataclass
class Step:
    name: str
    code: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.code == 0


def say(line: str) -> None:
    print(f"[testrun] {line}", flush=True)


def run_step(name: str, argv: list[str], env: dict[str, str]) -> Step:
    say(f"--- {name}: {' '.join(argv)}")
    started = time.monotonic()
    code = subprocess.run(argv, cwd=BASE_DIR, env=env).returncode
    step = Step(name, code, time.monotonic() - started)
    say(f"--- {name}: exit {code} in {step.seconds:.1f}s")
    return step


def start_services(var_dir: Path) -> tuple[list[ServiceHandle], str | None]:
    """Redis is required; PostgreSQL is required for its step; Docker is a bonus."""
    services = [ensure_redis(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), var_dir)]
    pg_url = None
    try:
        postgres = ensure_postgres()
        services.append(postgres)
        pg_url = postgres.url
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        say(f"PostgreSQL unavailable: {exc}")
    docker = ensure_docker(var_dir)
    services.append(docker)
    say(f"services: redis ok, postgresql {'ok' if pg_url else 'MISSING'}, "
        f"docker {'ok' if docker.available else 'unavailable (' + docker.note + ')'}")
    return services, pg_url


def postgres_step(pg_url: str | None, env: dict[str, str], python: str) -> Step:
    if pg_url is None:
        say("--- pytest tests/cluster (PostgreSQL): cannot run, no PostgreSQL")
        return Step("pytest tests/cluster (PostgreSQL)", 1, 0.0)
    db_url, db_name = create_database(pg_url, prefix="kubelab_run")
    say(f"fresh PostgreSQL database {db_name}")
    try:
        return run_step(
            "pytest tests/cluster (PostgreSQL)",
            [python, "-m", "pytest", "tests/cluster", *PYTEST_ARGS],
            {**env, "DATABASE_URL": db_url},
        )
    finally:
        drop_database(pg_url, db_name)


def summary(steps: list[Step]) -> int:
    say("=" * 60)
    for step in steps:
        meaning = "ok" if step.ok else EXIT_MEANING.get(step.code, "failed")
        say(f"{'PASS' if step.ok else 'FAIL'}  {step.name:<40} exit {step.code} ({meaning}), "
            f"{step.seconds:.1f}s")
    failed = [s for s in steps if not s.ok]
    say(f"{'FAILED' if failed else 'PASSED'}: {len(steps) - len(failed)}/{len(steps)} steps ok")
    return 1 if failed else 0


def main() -> int:
    python = sys.executable
    # SQLite is the default store; make sure nothing from the caller overrides it.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    with tempfile.TemporaryDirectory(prefix="kubelab-testrun-") as tmp:
        services, pg_url = start_services(Path(tmp))
        try:
            steps = [
                run_step("ruff check .", [python, "-m", "ruff", "check", "."], env),
                run_step("pytest tests (SQLite)", [python, "-m", "pytest", "tests", *PYTEST_ARGS],
                         env),
                postgres_step(pg_url, env, python),
            ]
        finally:
            for service in reversed(services):
                if service.started:
                    say(f"stopping {service.name} (started for this run)")
                    service.stop()
    return summary(steps)


if __name__ == "__main__":
    sys.exit(main())
