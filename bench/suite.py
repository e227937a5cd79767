"""`make bench`: every benchmark under bench/ with the fixed parameters this 2-core
machine's figures are quoted at, each repeated, then the charts.

A script that repeats inside itself (api `--runs`, scheduler and nodes_docker `--repeat`)
runs once. Any other runs REPEATS times, each run writing its section and results into
its own scratch copy (KUBELAB_BENCH_DOC, KUBELAB_BENCH_RESULTS); then its section in
docs/benchmarks.md becomes the run with the median headline figure, followed by a table
of every headline figure in every run with its median [min–max], and bench/results/NAME.json
that run's results with every run's under "repeat_runs". So each section states the median
of several runs with their range, as issue 9 asks, and was written by one invocation.

    .venv/bin/python bench/suite.py [--only controllers,ui] [--repeat N] [--list]

A run that fails or outlasts its deadline is stopped (its process group) and reported; the
other steps still run; the exit status is 1 if any run failed. KUBELAB_BENCH_NO_WRITE=1
leaves docs/ and bench/results/ alone, as it does for each script.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import charts, summary  # noqa: E402
from bench.chart_readers import num  # noqa: E402
from bench.report import DOC, read_section, write_results, write_section  # noqa: E402

REPEATS = 3


@dataclass(frozen=True)
class Headline:
    """One figure a repeated step reports: where it is in the results JSON, and its goal."""
    label: str
    path: tuple[str, ...]
    unit: str
    goal: str = ""


@dataclass(frozen=True)
class Step:
    name: str            # this step's section in docs/benchmarks.md
    script: str
    args: tuple[str, ...]
    results: str         # the results file the script writes (and the suite keeps)
    headlines: tuple[Headline, ...] = ()  # empty: the script repeats inside itself
    deadline_s: float = 1200
    # The section and results file the script writes, when the suite keeps them under
    # other names (the controllers script run again at 10,000 replicas).
    script_section: str = ""
    keep_as: str = ""
    env: dict[str, str] = field(default_factory=dict)

    @property
    def repeated(self) -> bool:
        return bool(self.headlines)

    def command(self) -> str:
        env = "".join(f"{k}={v} " for k, v in self.env.items())
        return f"{env}.venv/bin/python {self.script} {' '.join(self.args)}".strip()


H = Headline
STEPS: tuple[Step, ...] = (
    Step("api", "bench/api.py", ("--runs", "3"), "api"),
    Step("scheduler", "bench/scheduler.py", ("--nodes", "1000", "--pods", "10000",
                                             "--repeat", "3"), "scheduler", deadline_s=2400),
    Step("nodes-docker", "bench/nodes_docker.py", ("--pods", "100", "--nodes", "3",
                                                   "--rate", "2", "--repeat", "3"),
         "nodes_docker"),
    Step("controllers", "bench/controllers.py",
         ("--nodes", "100", "--deployments", "100", "--replicas", "5", "--scale", "1000",
          "--deletions", "50", "--docker-deletions", "20"), "controllers",
         (H("Deployments all Available", ("all_available_s",), "s", "≤ 10 s"),
          H("0 → 1,000 replicas all Running", ("scale_s",), "s", "≤ 20 s"),
          H("replacement p99, simulated", ("replacement_s", "p99"), "s", "≤ 1 s"),
          H("replacement p99, Docker", ("docker_replacement_s", "p99"), "s", "≤ 2 s"))),
    Step("controllers-10k", "bench/controllers.py",
         ("--nodes", "1000", "--deployments", "0", "--scale", "10000", "--deletions", "0",
          "--docker-deletions", "0"), "controllers",
         (H("0 → 10,000 replicas on 1,000 nodes, all Running", ("scale_s",), "s", "≤ 60 s"),),
         script_section="controllers", keep_as="controllers_10k"),
    Step("nodes-simulator", "bench/nodes_sim.py",
         ("--nodes", "1000", "--pods", "3000", "--clients", "8"), "nodes_sim",
         (H("1,000 simulated nodes Ready", ("nodes_ready_s",), "s", "≤ 10 s"),
          H("3,000 bound pods created", ("pods_created_s",), "s"),
          H("first create → all Running", ("pods_running_s",), "s"),
          H("simulator RSS with pods", ("rss_loaded_mib",), "MiB"))),
    Step("ui", "bench/ui.py",
         ("--clients", "30", "--writes", "300", "--nodes", "1000", "--pods", "10000",
          "--burst-rate", "500", "--burst-seconds", "4", "--via", "store"), "ui",
         (H("first paint, 1,000 nodes and 10,000 pods", ("first_paint_s",), "s", "≤ 3 s"),
          H("create → pod chip p99", ("latency_p99_ms",), "ms", "≤ 100 ms"),
          H("longest task during the burst", ("longest_task_ms",), "ms", "≤ 100 ms"))),
    Step("timetravel", "bench/timetravel.py",
         ("--events", "100000", "--seeks", "300", "--nodes", "30", "--pods", "600"),
         "timetravel",
         (H("seek → painted p95", ("seek_p95_ms",), "ms", "≤ 500 ms"),
          H("seek → painted max", ("seek_max_ms",), "ms", "≤ 500 ms"),
          H("reading the file and keyframes", ("load_s",), "s"))),
    Step("classroom", "bench/classroom.py",
         ("--students", "30", "--window", "60", "--replicas", "3", "--seed", "8"),
         "classroom",
         (H("worst student screen's p99", ("summary", "worst_p99_ms"), "ms", "≤ 200 ms"),
          H("teacher's screen p99", ("summary", "teacher", "p99_ms"), "ms", "≤ 200 ms"))),
    Step("editor", "bench/editor.py", ("--samples", "200", "--docs", "4"), "editor",
         (H("validation feedback p95", ("feedback_p95_ms",), "ms", "≤ 300 ms"),)),
)


@dataclass
class Run:
    ok: bool
    seconds: float
    results: dict | None = None
    section: str | None = None
    why: str = ""


def run_once(step: Step, scratch: Path) -> Run:
    """One run of the step's script in its own process group, its outputs in SCRATCH."""
    scratch.mkdir(parents=True)
    doc = scratch / "benchmarks.md"
    if DOC.exists():
        shutil.copy(DOC, doc)
    env = {k: v for k, v in os.environ.items() if k != "KUBELAB_BENCH_NO_WRITE"}
    env.update(step.env, KUBELAB_BENCH_DOC=str(doc), KUBELAB_BENCH_RESULTS=str(scratch))
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, step.script, *step.args], cwd=ROOT, env=env,
                            start_new_session=True)
    try:
        code = proc.wait(timeout=step.deadline_s)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return Run(False, time.monotonic() - start, why=f"over its {step.deadline_s:g} s deadline")
    except KeyboardInterrupt:
        _stop(proc)
        raise
    took = time.monotonic() - start
    if code != 0:
        return Run(False, took, why=f"exit status {code}")
    out = scratch / f"{step.results}.json"
    results = json.loads(out.read_text()) if out.exists() else None
    section = read_section(step.script_section or step.name, doc)
    if results is None or section is None:
        return Run(False, took, why="it wrote no results or no section")
    return Run(True, took, results, section)


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the run's whole group (its cluster, browser, Redis), then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def median_run(step: Step, runs: list[Run]) -> Run:
    """The finished run whose first headline figure is the median (the lower middle one
    of an even count); runs without that figure sort last."""
    done = [r for r in runs if r.ok]
    first = step.headlines[0].path
    done.sort(key=lambda r: (num(r.results, *first) is None, num(r.results, *first) or 0))
    return done[(len(done) - 1) // 2]


def repeats_table(step: Step, runs: list[Run]) -> str:
    done = [r for r in runs if r.ok]
    head = " | ".join(f"run {i + 1}" for i in range(len(done)))
    lines = [f"| figure | goal | {head} | median [min–max] |",
             "|---|---|" + "---|" * len(done) + "---|"]
    for h in step.headlines:
        values = [num(r.results, *h.path) for r in done]
        cells = " | ".join("–" if v is None else _num(v, h.unit) for v in values)
        got = [v for v in values if v is not None]
        spread = (f"**{_num(statistics.median(got), h.unit)}** [{_num(min(got), '')}–"
                   f"{_num(max(got), '')}]" if got else "–")
        lines.append(f"| {h.label} | {h.goal} | {cells} | {spread} |")
    return "\n".join(lines)


def _num(v: float, unit: str) -> str:
    text = f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return f"{text} {unit}".strip()


def combine(step: Step, runs: list[Run]) -> None:
    """The median run's section and results, with every run's headline figures."""
    done = [r for r in runs if r.ok]
    if not done:
        return
    chosen = median_run(step, runs)
    failed = len(runs) - len(done)
    note = (f"`make bench` (bench/suite.py) ran this {len(runs)} times"
            + (f" ({failed} failed: {'; '.join(r.why for r in runs if not r.ok)})"
               if failed else "")
            + f"; above is the run with the median {step.headlines[0].label.lower()}; "
              f"each finished run's headline figures, with their median [min–max]:")
    write_section(step.name, f"{chosen.section}\n\n{note}\n\n{repeats_table(step, runs)}")
    results = dict(chosen.results or {})
    results["repeat_runs"] = [r.results for r in done]
    results["repeat_command"] = step.command()
    write_results(step.keep_as or step.results, results)


def run_step(step: Step, repeats: int, scratch: Path) -> list[Run]:
    count = repeats if step.repeated else 1
    runs = []
    for i in range(count):
        print(f"== {step.name} run {i + 1}/{count}: {step.command()}", flush=True)
        run = run_once(step, scratch / step.name / str(i))
        print(f"== {step.name} run {i + 1}/{count}: "
              + (f"done in {run.seconds:.0f} s" if run.ok else f"FAILED ({run.why})"),
              flush=True)
        runs.append(run)
    if step.repeated:
        combine(step, runs)
    elif runs[0].ok:  # the script repeated inside itself: its own section and results
        write_section(step.name, runs[0].section or "")
        write_results(step.results, runs[0].results or {})
    return runs


def suite_section(took: dict[str, list[Run]], total: float, repeats: int) -> str:
    rows = [f"| {name} | {len(runs)} | {sum(r.seconds for r in runs) / 60:.1f} min | "
            + ("ok" if all(r.ok for r in runs) else
               "; ".join(f"run {i + 1}: {r.why}" for i, r in enumerate(runs) if not r.ok))
            + " |" for name, runs in took.items()]
    return "\n".join([
        f"Last full run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
        f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"`make bench` took {total / 60:.0f} min (load average at the end "
        f"{os.getloadavg()[0]:.1f}). Scripts that do not repeat inside themselves ran "
        f"{repeats} times each.", "",
        "| step | runs | time | outcome |", "|---|---|---|---|", *rows])


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the running step as Ctrl-C does


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated step names")
    ap.add_argument("--repeat", type=int, default=REPEATS)
    ap.add_argument("--list", action="store_true", help="print the steps and exit")
    args = ap.parse_args()
    steps = [s for s in STEPS if not args.only or s.name in args.only.split(",")]
    if args.list or not steps:
        for s in STEPS:
            print(f"{s.name:16} {'x' + str(args.repeat) if s.repeated else 'x1':4} {s.command()}")
        return 0 if steps else 2
    signal.signal(signal.SIGTERM, _interrupt)
    scratch = Path(tempfile.mkdtemp(prefix="kubelab-bench-suite-"))
    start = time.monotonic()
    took: dict[str, list[Run]] = {}
    try:
        for step in steps:
            took[step.name] = run_step(step, args.repeat, scratch)
    except KeyboardInterrupt:
        print("bench suite interrupted; the running step was stopped", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if len(steps) == len(STEPS):
        write_section("suite", suite_section(took, time.monotonic() - start, args.repeat))
    if os.environ.get("KUBELAB_BENCH_NO_WRITE") != "1":
        write_section("summary", summary.markdown(charts.load(charts.RESULTS)))
        subprocess.run([sys.executable, "bench/charts.py"], cwd=ROOT, check=False)
    failed = [n for n, runs in took.items() if not all(r.ok for r in runs)]
    print("bench suite: " + (f"failed runs in {', '.join(failed)}" if failed else "all ran"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
