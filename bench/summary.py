"""The one table at the top of docs/benchmarks.md: every headline metric of every results
file, its value (median [min–max] over the repeated runs), its goal and value / goal, the
value in reference ops where it depends on the machine's speed, and the outside figure it
is set against. bench/suite.py writes it after each `make bench`, from the same results
files and GOALS table bench/charts.py draws."""
from __future__ import annotations

from bench.baseline import ratio as per_reference_op
from bench.chart_goals import GOALS
from bench.chart_readers import Bench, Point

# Benchmarks whose other series switch a technique off, to show what it is worth: only
# the named series is held to the goal.
HELD_TO_GOAL = {"scheduler": "all on"}


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def _value(p: Point, unit: str) -> str:
    text = f"{_num(p.value)} {unit}"
    if p.low is not None and p.high is not None and p.low != p.high:
        text += f" [{_num(p.low)}–{_num(p.high)}]"
    return text


def markdown(benches: list[Bench]) -> str:
    anchors: list[str] = []
    rows = []
    for bench in benches:
        baseline = bench.data.get("baseline") if isinstance(bench.data.get("baseline"),
                                                            dict) else None
        for p in bench.points:
            g = GOALS[p.metric]
            goal = ratio = verdict = ""
            compared = bench.name in HELD_TO_GOAL and p.series != HELD_TO_GOAL[bench.name]
            if compared:
                verdict = "comparison"
            elif g.goal is not None:
                goal = f"{'≤' if g.better == 'lower' else '≥'} {g.goal:g} {g.unit}"
                ok = g.met(p.value)
                ratio = f"{p.value / g.goal:.2f}×" if g.goal else ""
                verdict = "met" if ok else "**missed**"
            per_base = per_reference_op(p.value, g.unit, baseline)
            base = "" if per_base is None else _num(per_base)
            mark = ""
            if g.anchor:
                if g.anchor not in anchors:
                    anchors.append(g.anchor)
                mark = f"[{anchors.index(g.anchor) + 1}]"
            series = "" if p.series == "measured" else f" ({p.series})"
            rows.append(f"| {bench.name} | {g.label}{series} | {_value(p, g.unit)} | {goal} | "
                        f"{ratio} | {verdict} | {base} | {mark} |")
    if not rows:
        return "No results files yet: run `make bench`."
    return "\n".join([
        "| benchmark | metric | value (median [min–max]) | goal | value / goal | | "
        "in reference ops | anchor |", "|---|---|---|---|---|---|---|---|", *rows, "",
        "Anchors: " + " ".join(f"[{i + 1}] {a}." for i, a in enumerate(anchors))])
