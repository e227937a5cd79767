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
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: `bench` is then not importable by itself

from bench.baseline import describe  # noqa: E402
from bench.baseline import ratio as per_reference_op  # noqa: E402
from bench.chart_goals import GOALS, NO_RESULTS_FILE, Goal  # noqa: E402
from bench.chart_readers import READERS, Bench, Dist, Point, add_repeat_ranges  # noqa: E402

RESULTS = ROOT / "bench" / "results"
OUT = ROOT / "docs" / "benchmarks.html"


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
            add_repeat_ranges(stem, data, bench)
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
    return goal.met(value)


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


def goal_table(points: list[Point], baseline: dict | None = None) -> str:
    """Value, goal, value / goal, and (when the run measured a baseline) the value in
    reference ops (bench/baseline.py) for the figures that depend on the machine's speed."""
    rows = []
    for p in points:
        per_base = per_reference_op(p.value, GOALS[p.metric].unit, baseline)
        base_cell = f"<td class=n>{per_base:.4g}</td>" if per_base is not None else "<td></td>"
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
                    f"{verdict or '<td></td>'}{base_cell}"
                    f"<td>{html.escape(g.anchor or '–')}</td></tr>")
    return ("<table><tr><th>metric</th><th>series</th><th>value</th><th>goal</th>"
            "<th>value / goal</th><th></th><th>in reference ops</th><th>anchor</th></tr>"
            + "".join(rows) + "</table>")


def section(bench: Bench) -> str:
    parts = [f"<h2 id='{bench.name}'>{bench.name}</h2>",
             f"<p class=meta>{meta(bench.data)}</p>"]
    baseline = bench.data.get("baseline") if isinstance(bench.data.get("baseline"), dict) \
        else None
    if baseline:
        parts.append(f"<p class=meta>{html.escape(describe(baseline))}. {BASELINE_NOTE}</p>")
    if bench.points:
        parts += [goal_table(bench.points, baseline), div(headline_figure(bench))]
    else:
        parts.append("<p>No headline figure in this result file.</p>")
    parts += [div(dist_figure(d)) for d in bench.dists]
    return "\n".join(parts)


BASELINE_NOTE = ("\"In reference ops\": a latency divided by the reference op's time, a "
                 "rate multiplied by it; the same software on a faster machine should give "
                 "about the same figure.")


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
