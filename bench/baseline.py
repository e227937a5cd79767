"""This machine's speed, measured in a few seconds at the start of every benchmark run, so
each machine-dependent figure can also be given relative to it (issue 9: "a ratio to a
baseline measured in the same run").

The reference operation is a miniature of an API write, the work most of kubelab's
figures are made of, without kubelab in it:
- python: decode a Pod manifest from JSON, copy and change it, encode it again (the
  interpreter's speed on the kind of work the API server and controllers do);
- sqlite: insert that JSON as one row and commit, in WAL mode with synchronous=NORMAL as
  config/database.py sets it, in a temporary file (the disk and SQLite's own cost).
The reference op's time is the sum of the two medians. A latency divided by it, or a rate
multiplied by it, is then in "reference ops": a machine that runs the reference op twice
as fast gives the same ratio if kubelab gains as much from the speed as the op does.

    .venv/bin/python bench/baseline.py     # prints one measurement
"""
from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

POD = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "baseline", "namespace": "default", "labels": {"app": "web"},
                    "annotations": {"note": "x" * 200}, "resourceVersion": "1"},
       "spec": {"nodeName": "node-1", "containers": [
           {"name": f"c{i}", "image": "kubelab/hello:1",
            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
            "ports": [{"containerPort": 8080 + i}], "env": [{"name": "A", "value": "b"}]}
           for i in range(3)]},
       "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
TEXT = json.dumps(POD)

# Units of speed for the ratio: what a latency is divided by, or a rate multiplied by.
TIME_UNITS = {"ms": 1e-3, "s": 1.0}
RATE_UNITS = {"/s": 1.0}


def _python_op(i: int) -> str:
    obj = json.loads(TEXT)
    obj["metadata"]["resourceVersion"] = str(i)
    obj["metadata"]["labels"] = {**obj["metadata"]["labels"], "i": str(i)}
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)


def _rate(op, seconds: float) -> float:
    """Operations per second of `op` over about `seconds` of wall time."""
    done, started = 0, time.perf_counter()
    deadline = started + seconds
    while True:
        for _ in range(20):  # amortise the clock read
            op(done)
            done += 1
        now = time.perf_counter()
        if now >= deadline:
            return done / (now - started)


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1),
            "max": round(max(values), 1)}


def measure(rounds: int = 5, seconds: float = 0.3) -> dict[str, Any]:
    """About rounds × 2 × seconds of work (3 s by default); rounds alternate the two parts
    so a burst of load from elsewhere touches both. JSON-ready: ops/s as median/min/max."""
    python_rates, sqlite_rates = [], []
    with tempfile.TemporaryDirectory(prefix="kubelab-baseline-") as tmp:
        db = sqlite3.connect(Path(tmp) / "baseline.sqlite3", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE obj (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")

        def sqlite_op(i: int) -> None:
            db.execute("BEGIN")
            db.execute("INSERT INTO obj (body) VALUES (?)", (TEXT,))
            db.execute("COMMIT")

        try:
            for _ in range(max(1, rounds)):
                python_rates.append(_rate(_python_op, seconds))
                sqlite_rates.append(_rate(sqlite_op, seconds))
        finally:
            db.close()
    python, sqlite = _spread(python_rates), _spread(sqlite_rates)
    op_s = 1 / python["median"] + 1 / sqlite["median"]
    return {"python_ops_per_s": python, "sqlite_commits_per_s": sqlite,
            "reference_op_us": round(op_s * 1e6, 2), "rounds": rounds,
            "what": "reference op = a Pod's JSON decoded, changed and encoded (python) + "
                    "one insert committed in SQLite WAL (sqlite); see bench/baseline.py"}


def ratio(value: float, unit: str, baseline: dict[str, Any] | None) -> float | None:
    """`value` (in `unit`) in reference ops: a time divided by the reference op's time, a
    rate multiplied by it. None when there is no baseline or the unit is not a speed
    (MiB, counts: not machine-speed figures)."""
    if not baseline or not baseline.get("reference_op_us"):
        return None
    op_s = baseline["reference_op_us"] / 1e6
    if unit in TIME_UNITS:
        return value * TIME_UNITS[unit] / op_s
    if unit in RATE_UNITS:
        return value * RATE_UNITS[unit] * op_s
    return None


def describe(baseline: dict[str, Any]) -> str:
    """One line for a report: the reference op's time and its two parts' ranges."""
    p, s = baseline["python_ops_per_s"], baseline["sqlite_commits_per_s"]
    return (f"baseline (bench/baseline.py, median of {baseline['rounds']} rounds "
            f"[min–max]): reference op {baseline['reference_op_us']:.1f} µs = python "
            f"{p['median']:,.0f} ops/s [{p['min']:,.0f}–{p['max']:,.0f}] + SQLite "
            f"{s['median']:,.0f} commits/s [{s['min']:,.0f}–{s['max']:,.0f}]")


def measure_and_print() -> dict[str, Any]:
    """What each benchmark script calls first: measure, say so, return it to record."""
    print("measuring the baseline (bench/baseline.py, ~3 s) ...", flush=True)
    result = measure()
    print(describe(result), flush=True)
    return result


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
    sys.exit(0)
