"""What each benchmark's results JSON holds, read into bars (Point) and distributions
(Dist) for bench/charts.py. A reader per file name; a missing key leaves its bar out."""
from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.chart_goals import GOALS


@dataclass
class Point:
    """One bar: a metric's value for one series (a database, or "measured")."""
    metric: str
    value: float
    series: str = "measured"
    low: float | None = None  # range over repeated runs, when the JSON has one
    high: float | None = None


@dataclass
class Dist:
    """A distribution: categories on x, one bar trace per name, an optional goal line."""
    title: str
    unit: str
    x: list[str]
    traces: dict[str, list[float | None]]
    goal: float | None = None
    goal_label: str = ""
    note: str = "lower is better"
    stacked: bool = False


@dataclass
class Bench:
    name: str
    data: dict
    points: list[Point] = field(default_factory=list)
    dists: list[Dist] = field(default_factory=list)


def num(data: Any, *keys: str) -> float | None:
    """data[k1][k2]…, if every step is there and the end is a number; else None (older
    result files lack keys, and scripts write null for what they skipped)."""
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    if isinstance(data, bool) or not isinstance(data, int | float):
        return None
    return float(data)


def flat(bench: str, data: dict, keys: list[str]) -> list[Point]:
    """Top-level numbers named like their GOALS entry (`bench.key`)."""
    return [Point(f"{bench}.{k}", v) for k in keys if (v := num(data, k)) is not None]


def percentiles(label: str, data: Any, keys: tuple[str, ...], names: tuple[str, ...],
                goal_key: str, unit: str) -> Dist | None:
    values = [num(data, k) for k in keys]
    if all(v is None for v in values):
        return None
    goal = GOALS[goal_key]
    return Dist(label, unit, list(names), {"measured": values}, goal.goal,
                f"goal: {goal.label} ≤ {goal.goal:g} {unit}" if goal.goal is not None else "")


# --- per benchmark: what its JSON holds -------------------------------------------
API_OPS = {"create": "create_p99", "get": "get_p99", "update": "update_p99",
           "list-1000": "list_p99", "watch (create sent -> event)": "watch_p99",
           "watch (create answered -> event)": "watch_answered_p99"}
API_LOOPS = {"creates_per_s": "creates_per_s", "gets_per_s": "gets_per_s"}


def spread(runs: Any, *keys: str) -> tuple[float, float, float] | None:
    """Median, min and max of one figure over the repeated runs (as benchmarks.md shows)."""
    values = [v for r in runs if (v := num(r, *keys)) is not None] if isinstance(runs, list) \
        else []
    return (statistics.median(values), min(values), max(values)) if values else None


def api(data: dict, b: Bench) -> None:
    for db in ("sqlite", "postgres"):
        section = data.get(db) if isinstance(data.get(db), dict) else {}
        wanted = [("open_loop", (op, "p99_ms"), m) for op, m in API_OPS.items()]
        wanted += [("closed_loop", (key,), m) for key, m in API_LOOPS.items()]
        for loop, keys, metric in wanted:
            if (s := spread(section.get(loop), *keys)) is not None:
                b.points.append(Point(f"api.{metric}", s[0], db, s[1], s[2]))
        ops = [op for op in API_OPS if spread(section.get("open_loop"), op, "p99_ms")]
        if ops:
            traces = {p: [(spread(section["open_loop"], op, f"{p}_ms") or (None,))[0]
                          for op in ops] for p in ("p50", "p99", "max")}
            b.dists.append(Dist(f"{db}: open-loop latency by call (median of runs)", "ms",
                                ops, traces, 50, "goal: single-object p99 ≤ 50 ms"))


def controllers(data: dict, b: Bench) -> None:
    b.points += flat("controllers", data, ["all_available_s", "scale_s"])
    for key in ("replacement", "docker_replacement"):
        if (v := num(data, f"{key}_s", "p99")) is not None:
            b.points.append(Point(f"controllers.{key}_p99", v))
        d = percentiles(f"{key.replace('_', ' ')}: pod deleted → replacement Running",
                        data.get(f"{key}_s"), ("p50", "p99", "max"), ("p50", "p99", "max"),
                        f"controllers.{key}_p99", "s")
        if d:
            b.dists.append(d)
    profile = data.get("reconcile_profile")
    if isinstance(profile, dict) and profile:
        cases = list(profile)
        names = sorted({c for case in profile.values() if isinstance(case, dict) for c in case})
        traces = {c: [num(profile[case], c, "total_s") for case in cases] for c in names}
        if traces:  # an empty figure says nothing
            b.dists.append(Dist("where the controllers' time went: reconcile time per case",
                                "s", cases, traces, note="a breakdown, no goal", stacked=True))


def controllers_10k(data: dict, b: Bench) -> None:
    b.points += flat("controllers_10k", data, ["scale_s"])


def nodes_sim(data: dict, b: Bench) -> None:
    b.points += flat("nodes_sim", data, ["nodes_ready_s", "pods_created_s", "pods_running_s",
                                         "rss_idle_mib", "rss_loaded_mib"])


def with_percentiles(bench: str, headline: list[str], label: str, keys: tuple[str, ...],
                     names: tuple[str, ...], goal: str) -> Callable[[dict, Bench], None]:
    """A reader for a result that is headline numbers plus one latency distribution."""
    def read(data: dict, b: Bench) -> None:
        b.points += flat(bench, data, headline)
        d = percentiles(label, data, keys, names, f"{bench}.{goal}", "ms")
        if d:
            b.dists.append(d)
    return read


ui = with_percentiles(
    "ui", ["latency_p50_ms", "latency_p99_ms", "longest_task_ms",
           "page_burst_longest_task_ms", "first_paint_s"],
    "create → pod chip in the DOM", ("latency_p50_ms", "latency_p99_ms", "latency_max_ms"),
    ("p50", "p99", "max"), "latency_p99_ms")
timetravel = with_percentiles(
    "timetravel", ["seek_p50_ms", "seek_p95_ms", "seek_max_ms"], "seek → drawn and painted",
    ("seek_p50_ms", "seek_p95_ms", "seek_max_ms"), ("p50", "p95", "max"), "seek_p95_ms")
editor = with_percentiles(
    "editor", ["feedback_p50_ms", "feedback_p95_ms", "feedback_max_ms"],
    "last keystroke → validation feedback drawn",
    ("feedback_p50_ms", "feedback_p95_ms", "feedback_max_ms"), ("p50", "p95", "max"),
    "feedback_p95_ms")


def classroom(data: dict, b: Bench) -> None:
    s = data.get("summary") if isinstance(data.get("summary"), dict) else {}
    b.points += flat("classroom", s, ["worst_p99_ms", "student_p99_median_ms"])
    if (v := num(s, "teacher", "p99_ms")) is not None:
        b.points.append(Point("classroom.teacher_p99_ms", v))
    screens = {"teacher": s.get("teacher"), "worst student": s.get("worst_student"),
               "students pooled": s.get("students_pooled")}
    traces = {name: [num(st, k) for k in ("p50_ms", "p99_ms", "max_ms")]
              for name, st in screens.items() if num(st, "p99_ms") is not None}
    if traces:
        b.dists.append(Dist("commit → screen, by screen", "ms", ["p50", "p99", "max"], traces,
                            200, "goal: p99 ≤ 200 ms on every screen"))
    per_screen = s.get("screens") if isinstance(s.get("screens"), dict) else {}
    p99s = {n: v for n, st in per_screen.items() if (v := num(st, "p99_ms")) is not None}
    if p99s:
        b.dists.append(Dist("p99 of every screen", "ms", list(p99s),
                            {"p99": list(p99s.values())}, 200, "goal: p99 ≤ 200 ms"))


def scheduler(data: dict, b: Bench) -> None:
    """One bar per run (technique switched off) with its rounds' range; the cycle's and
    create → bind percentiles of each run's median round."""
    runs = [r for r in data.get("runs") or [] if isinstance(r, dict) and r.get("run")]
    for r in runs:
        if (v := num(r, "throughput")) is not None:
            b.points.append(Point("scheduler.pods_per_s", v, r["run"],
                                  num(r, "throughput_min"), num(r, "throughput_max")))
    names = [r["run"] for r in runs]
    cycle = {p: [num(r, f"cycle_{p}_ms") for r in runs] for p in ("p50", "p99")}
    if any(v is not None for vs in cycle.values() for v in vs):
        b.dists.append(Dist("scheduling cycle per pod (filter + score + explanation), by run",
                            "ms", names, cycle, note="lower is better, no goal"))
    bind = {p: [num(r, f"latency_{p}") for r in runs] for p in ("p50", "p99")}
    if any(v is not None for vs in bind.values() for v in vs):
        b.dists.append(Dist("create → bound, by run (a backlog: mostly queue wait)", "s",
                            names, bind, note="lower is better, no goal"))


def nodes_docker(data: dict, b: Bench) -> None:
    """p99 per offered load (median of runs, with their range) and each load's p50/p99/max."""
    loads = [x for x in data.get("loads") or [] if isinstance(x, dict) and x.get("kind")]
    for x in loads:
        metric = f"nodes_docker.{x['kind']}_p99_s"
        if metric in GOALS and (v := num(x, "p99_s", "median")) is not None:
            b.points.append(Point(metric, v, "measured", num(x, "p99_s", "min"),
                                  num(x, "p99_s", "max")))
    traces = {str(x.get("load") or x["kind"]): [num(x, k, "median")
                                                for k in ("p50_s", "p99_s", "max_s")]
              for x in loads}
    if any(v is not None for vs in traces.values() for v in vs):
        b.dists.append(Dist("pod created → Running on Docker kubelets (median of runs)", "s",
                            ["p50", "p99", "max"], traces, 1.5,
                            "goal: paced p99 ≤ 1.5 s"))


READERS: dict[str, Callable[[dict, Bench], None]] = {
    "api": api, "scheduler": scheduler, "controllers": controllers,
    "controllers_10k": controllers_10k, "nodes_sim": nodes_sim,
    "nodes_docker": nodes_docker, "ui": ui, "timetravel": timetravel, "editor": editor,
    "classroom": classroom}



def add_repeat_ranges(stem: str, data: dict, b: Bench) -> None:
    """A results file `make bench` combined (bench/suite.py) holds every run under
    "repeat_runs": each bar then shows the median of the runs with their min and max, as
    the document's tables do, instead of the one run the file is."""
    runs = [r for r in data.get("repeat_runs") or [] if isinstance(r, dict)]
    if len(runs) < 2:
        return
    seen: dict[tuple[str, str], list[float]] = {}
    for run in runs:
        one = Bench(stem, run)
        READERS[stem](run, one)
        for p in one.points:
            seen.setdefault((p.metric, p.series), []).append(p.value)
    for p in b.points:
        values = seen.get((p.metric, p.series))
        if values and p.low is None:
            p.value, p.low, p.high = statistics.median(values), min(values), max(values)
