"""Charts of the benchmark results: one self-contained page, docs/benchmarks.html.

Reads whatever bench/results/*.json exist (any may be missing, or written by an older
version of its script: a missing key leaves its bar out; an unreadable file is skipped
with a note on stderr) and draws, per benchmark, its headline metrics next to their goals
and, where the JSON has them, latency distributions (p50 / p99 / max). plotly.js is
embedded once, from the installed `plotly` package: classrooms may be offline.

    .venv/bin/python bench/charts.py [--results bench/results] [--out docs/benchmarks.html]

`make bench` runs it last, after every benchmark script.
"""
from __future__ import annotations

import argparse
import html
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
OUT = ROOT / "docs" / "benchmarks.html"


@dataclass(frozen=True)
class Goal:
    """One metric: its goal (None: none stated), which way is better, where the goal is
    written, and the outside figure it is set against (with its source), if any."""
    label: str
    unit: str
    better: str  # "lower" or "higher"
    goal: float | None
    source: str
    anchor: str = ""


# Anchors, as docs/benchmarks.md states them (its introduction), with their sources.
K8S_API_SLO = ("Kubernetes SLO: API call p99 ≤ 1 s for single-object calls "
               "(kubernetes/community sig-scalability/slos/slos.md)")
DJANGO_WRITES = ("a bare Django write view: 260–700 writes/s on this machine "
                 "(shared/perf-notes.md)")
K8S_STARTUP_SLO = ("Kubernetes SLO: pod startup p99 ≤ 5 s "
                   "(kubernetes/community sig-scalability/slos/pod_startup_latency.md)")
BORG_STARTUP = "Borg: median task start-up ~25 s, package installation included (Borg paper §3.2)"
KWOK = ("KWOK: claims 20 objects/s; its CI allows 120 s for 10,000 pods "
        "(kwok.sigs.k8s.io)")
SCHEDULER_CI = ("kube-scheduler's CI (scheduler_perf): 680–810 pods/s on 5,000 fake nodes; "
                "real clusters report 100–300 pods/s; Borg: >10,000 task arrivals a minute "
                "in a cell (Borg paper §3.4)")

# The one table of goals: every goal here is the one the benchmark script (or
# docs/benchmarks.md) states; None where the script reports a figure without a goal.
GOALS: dict[str, Goal] = {
    "api.create_p99": Goal("create p99", "ms", "lower", 50, "bench/api.py", K8S_API_SLO),
    "api.get_p99": Goal("get p99", "ms", "lower", 50, "bench/api.py", K8S_API_SLO),
    "api.update_p99": Goal("update p99", "ms", "lower", 50, "bench/api.py", K8S_API_SLO),
    "api.list_p99": Goal("list 1,000 pods p99", "ms", "lower", 150, "bench/api.py"),
    "api.watch_p99": Goal("create sent → watch event p99", "ms", "lower", 50,
                          "bench/api.py (commit → watch)"),
    "api.watch_answered_p99": Goal("create answered → watch event p99", "ms", "lower", None,
                                   "bench/api.py"),
    "api.creates_per_s": Goal("closed-loop pod creates", "/s", "higher", 200, "bench/api.py",
                              DJANGO_WRITES),
    "api.gets_per_s": Goal("closed-loop gets", "/s", "higher", 800, "bench/api.py"),
    "controllers.all_available_s": Goal("Deployments all Available", "s", "lower", 10,
                                        "bench/controllers.py"),
    "controllers.scale_s": Goal("0 → N replicas all Running", "s", "lower", 20,
                                "bench/controllers.py"),
    "controllers.replacement_p99": Goal("pod replacement p99", "s", "lower", 1,
                                        "bench/controllers.py"),
    "controllers.docker_replacement_p99": Goal("replacement on Docker p99", "s", "lower", 2,
                                               "bench/controllers.py"),
    "nodes_sim.nodes_ready_s": Goal("simulated nodes Ready", "s", "lower", 10,
                                    "bench/nodes_sim.py", KWOK),
    "nodes_sim.pods_created_s": Goal("bound pods created", "s", "lower", None,
                                     "bench/nodes_sim.py"),
    "nodes_sim.pods_running_s": Goal("first create → all Running", "s", "lower", None,
                                     "bench/nodes_sim.py", KWOK),
    "nodes_sim.rss_idle_mib": Goal("simulator RSS, no pods", "MiB", "lower", None,
                                   "bench/nodes_sim.py"),
    "nodes_sim.rss_loaded_mib": Goal("simulator RSS with pods", "MiB", "lower", None,
                                     "bench/nodes_sim.py"),
    "ui.latency_p50_ms": Goal("create → chip p50", "ms", "lower", None, "bench/ui.py"),
    "ui.latency_p99_ms": Goal("create → chip p99", "ms", "lower", 100, "bench/ui.py"),
    "ui.longest_task_ms": Goal("longest task in a burst", "ms", "lower", 100, "bench/ui.py"),
    "ui.page_burst_longest_task_ms": Goal("longest task, burst made in the page", "ms",
                                          "lower", 100, "bench/ui.py"),
    "ui.first_paint_s": Goal("first paint", "s", "lower", 3, "bench/ui.py"),
    "timetravel.seek_p50_ms": Goal("seek p50", "ms", "lower", None, "bench/timetravel.py"),
    "timetravel.seek_p95_ms": Goal("seek p95", "ms", "lower", 500, "bench/timetravel.py"),
    "timetravel.seek_max_ms": Goal("seek max", "ms", "lower", 500, "bench/timetravel.py"),
    "editor.feedback_p50_ms": Goal("feedback p50", "ms", "lower", None, "bench/editor.py"),
    "editor.feedback_p95_ms": Goal("feedback p95", "ms", "lower", 300, "bench/editor.py"),
    "editor.feedback_max_ms": Goal("feedback max", "ms", "lower", None, "bench/editor.py"),
    "classroom.worst_p99_ms": Goal("worst screen's commit → screen p99", "ms", "lower", 200,
                                   "bench/classroom.py (issue 8)"),
    "classroom.teacher_p99_ms": Goal("teacher's screen p99", "ms", "lower", 200,
                                     "bench/classroom.py (issue 8)"),
    "classroom.student_p99_median_ms": Goal("median student screen p99", "ms", "lower", 200,
                                            "bench/classroom.py (issue 8)"),
}

# Benchmarks whose script writes no results file: the page names them and their anchors.
NO_RESULTS_FILE = {
    "scheduler": ("bench/scheduler.py writes only its section of benchmarks.md", SCHEDULER_CI),
    "nodes_docker": ("bench/nodes_docker.py writes only its section of benchmarks.md "
                     "(goal there: paced p99 ≤ 1.5 s)", f"{K8S_STARTUP_SLO}; {BORG_STARTUP}"),
}


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


READERS: dict[str, Callable[[dict, Bench], None]] = {
    "api": api, "controllers": controllers, "nodes_sim": nodes_sim, "ui": ui,
    "timetravel": timetravel, "editor": editor, "classroom": classroom}


# --- reading --------------------------------------------------------------------------
def load(results: Path) -> list[Bench]:
    """Every results file a reader knows, in READERS' order; the rest skipped with a note."""
    benches = []
    files = {p.stem: p for p in sorted(results.glob("*.json"))}
    for stem in [*READERS, *(s for s in files if s not in READERS)]:
        if stem not in files:
            continue
        if stem not in READERS:
            print(f"charts: no chart for {files[stem].name} (unknown benchmark)",
                  file=sys.stderr)
            continue
        try:
            data = json.loads(files[stem].read_text())
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            bench = Bench(stem, data)
            READERS[stem](data, bench)
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            # One bad file (an interrupted run, an old format) must not cost the others.
            print(f"charts: skipped {files[stem]}: {exc}", file=sys.stderr)
            continue
        benches.append(bench)
    return benches


# --- figures --------------------------------------------------------------------------
MET, MISSED, GOAL_COLOUR = "#2e7d32", "#c62828", "#9e9e9e"
SERIES_COLOURS = ["#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#558b2f", "#ad1457",
                  "#4e342e", "#37474f"]


def met(value: float, goal: Goal) -> bool:
    return value <= goal.goal if goal.better == "lower" else value >= goal.goal


def ratio_text(value: float, goal: Goal) -> str:
    if not goal.goal:  # none stated (and a goal of 0 has no ratio)
        return f"{value:.3g}"
    mark = "✓" if met(value, goal) else "✗"
    return f"{value:.3g} {mark} {value / goal.goal:.2f}× goal"


def groups(points: list[Point]) -> dict[tuple[str, str], list[Point]]:
    """Points by (unit, direction): one subplot each, so no axis mixes ms with pods/s."""
    out: dict[tuple[str, str], list[Point]] = {}
    for p in points:
        g = GOALS[p.metric]
        out.setdefault((g.unit, g.better), []).append(p)
    return out


def bar_traces(points: list[Point]) -> list[go.Bar]:
    """One trace per series, then the goals as grey bars beside them."""
    labels = list(dict.fromkeys(GOALS[p.metric].label for p in points))
    traces = []
    for i, series in enumerate(dict.fromkeys(p.series for p in points)):
        mine = [p for p in points if p.series == series]
        has_range = any(p.low is not None for p in mine)
        traces.append(go.Bar(
            name=series, legendgroup=series, x=[GOALS[p.metric].label for p in mine],
            y=[p.value for p in mine], text=[f"{p.value:.3g}" for p in mine],
            textposition="outside", marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)],
            marker_line_color=[MISSED if GOALS[p.metric].goal is not None
                               and not met(p.value, GOALS[p.metric]) else MET for p in mine],
            marker_line_width=2,
            customdata=[[ratio_text(p.value, GOALS[p.metric]), GOALS[p.metric].anchor or "–"]
                        for p in mine],
            hovertemplate="%{x}: %{customdata[0]}<br>anchor: %{customdata[1]}"
                          "<extra>" + series + "</extra>",
            error_y=dict(type="data", symmetric=False,
                         array=[(p.high or p.value) - p.value for p in mine],
                         arrayminus=[p.value - (p.low or p.value) for p in mine])
            if has_range else None))
    goals = {GOALS[p.metric].label: GOALS[p.metric] for p in points}
    traces.append(go.Bar(
        name="goal", legendgroup="goal", x=labels,
        y=[goals[label].goal for label in labels], marker_color=GOAL_COLOUR,
        text=[f"{'≤' if goals[lb].better == 'lower' else '≥'} {goals[lb].goal:g}"
              if goals[lb].goal is not None else "no goal" for lb in labels],
        textposition="outside", customdata=[goals[lb].source for lb in labels],
        hovertemplate="goal %{y:g} (%{customdata})<extra></extra>"))
    return traces


def headline_figure(bench: Bench) -> go.Figure:
    by_group = groups(bench.points)
    titles = [f"{unit}, {better} is better" for unit, better in by_group]
    fig = make_subplots(rows=1, cols=len(by_group), subplot_titles=titles,
                        column_widths=[len({p.metric for p in g}) for g in by_group.values()])
    seen: set[str] = set()
    for col, ((unit, _), points) in enumerate(by_group.items(), start=1):
        for trace in bar_traces(points):
            trace.showlegend = trace.name not in seen
            seen.add(trace.name)
            fig.add_trace(trace, row=1, col=col)
        fig.update_yaxes(title_text=unit, rangemode="tozero", row=1, col=col)
    fig.update_layout(title=f"{bench.name}: headline metrics against their goals "
                            "(bar outline green = goal met, red = missed)",
                      barmode="group", height=460, margin=dict(t=90, b=110),
                      uniformtext_minsize=8, uniformtext_mode="hide")
    return fig


def dist_figure(d: Dist) -> go.Figure:
    fig = go.Figure([go.Bar(name=name, x=d.x, y=ys, text=[f"{y:.3g}" if y is not None else ""
                                                           for y in ys], textposition="outside",
                            marker_color=SERIES_COLOURS[i % len(SERIES_COLOURS)])
                     for i, (name, ys) in enumerate(d.traces.items())])
    if d.goal is not None:
        fig.add_hline(y=d.goal, line_dash="dash", line_color=MISSED,
                      annotation_text=d.goal_label or f"goal {d.goal:g} {d.unit}")
    fig.update_layout(title=f"{d.title} ({d.unit}, {d.note})", height=400,
                      barmode="stack" if d.stacked else "group", yaxis_title=d.unit)
    return fig


# --- the page -------------------------------------------------------------------------
STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em}
td.n{text-align:right}.met{color:#2e7d32}.missed{color:#c62828}.meta{color:#555}"""


def div(fig: go.Figure) -> str:
    # plotly.js is in the page once (see page()); each figure only brings its data.
    return pio.to_html(fig, include_plotlyjs=False, full_html=False,
                       config={"displaylogo": False, "responsive": True})


def meta(data: dict) -> str:
    known = [f"{k}: {data[k]}" for k in ("date", "machine", "command", "load_average")
             if k in data and not isinstance(data[k], dict)]
    if not known:  # older scripts record only their parameters and the machine's size
        known = [f"{k}: {v}" for k, v in data.items() if isinstance(v, int | float | str)
                 and not k.endswith(("_ms", "_s", "_mib"))]
    return html.escape("; ".join(known))


def goal_table(points: list[Point]) -> str:
    rows = []
    for p in points:
        g = GOALS[p.metric]
        if g.goal is None:
            verdict, ratio, goal = "", "", "–"
        else:
            ok = met(p.value, g)
            verdict = f"<td class={'met' if ok else 'missed'}>{'met' if ok else 'missed'}</td>"
            ratio = f"{p.value / g.goal:.2f}×" if g.goal else ""
            goal = f"{'≤' if g.better == 'lower' else '≥'} {g.goal:g} {g.unit}"
        rows.append(f"<tr><td>{html.escape(g.label)}</td><td>{html.escape(p.series)}</td>"
                    f"<td class=n>{p.value:.4g} {html.escape(g.unit)}</td>"
                    f"<td>{html.escape(goal)}</td><td class=n>{ratio}</td>"
                    f"{verdict or '<td></td>'}<td>{html.escape(g.anchor or '–')}</td></tr>")
    return ("<table><tr><th>metric</th><th>series</th><th>value</th><th>goal</th>"
            "<th>value / goal</th><th></th><th>anchor</th></tr>" + "".join(rows) + "</table>")


def section(bench: Bench) -> str:
    parts = [f"<h2 id='{bench.name}'>{bench.name}</h2>",
             f"<p class=meta>{meta(bench.data)}</p>"]
    if bench.points:
        parts += [goal_table(bench.points), div(headline_figure(bench))]
    else:
        parts.append("<p>No headline figure in this result file.</p>")
    parts += [div(dist_figure(d)) for d in bench.dists]
    return "\n".join(parts)


# The dashboard's own vendored copy (static/vendor/plotly, committed with its licence),
# by a path relative to docs/: offline like the dashboard, and the page stays ~100 KB
# instead of carrying 4.6 MB of plotly.js into git with every refresh.
PLOTLY_SRC = "../static/vendor/plotly/plotly.min.js"


def page(benches: list[Bench], present: set[str]) -> str:
    """The whole document; `present`: the result files' names, so a script that starts
    writing one is no longer listed as writing none."""
    missing = [f"<li>{html.escape(n)}: {html.escape(why)}. Anchor: {html.escape(anchor)}</li>"
               for n, (why, anchor) in NO_RESULTS_FILE.items() if n not in present]
    body = "\n".join(section(b) for b in benches) or "<p>No result files found.</p>"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kubelab benchmarks</title>
<style>{STYLE}</style>
<script src="{PLOTLY_SRC}"></script></head><body>
<h1>kubelab benchmarks</h1>
<p class=meta>Drawn {when} from bench/results/*.json by
<code>.venv/bin/python bench/charts.py</code> (<code>make bench</code> runs it last). The
prose, the commands and the per-run notes are in <a href="benchmarks.md">benchmarks.md</a>.
Goals: bench/charts.py's GOALS table, taken from the scripts.</p>
{body}
{"<h2>Without a results file</h2><ul>" + "".join(missing) + "</ul>" if missing else ""}
</body></html>
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    benches = load(args.results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page(benches, {p.stem for p in args.results.glob("*.json")}))
    size = args.out.stat().st_size / 2**20
    print(f"wrote {args.out} ({size:.1f} MiB): {', '.join(b.name for b in benches) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
