"""Writing one benchmark's section of docs/benchmarks.md between its markers."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bench.baseline import describe, ratio

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
RESULTS = Path(__file__).resolve().parent / "results"


def write_results(name: str, data: dict[str, Any], results: Path = RESULTS) -> Path | None:
    """bench/results/NAME.json, what bench/charts.py draws. KUBELAB_BENCH_NO_WRITE=1 leaves
    it alone, as it does the document: a short check run must not replace real figures;
    KUBELAB_BENCH_RESULTS=DIR writes it there instead (to draw a check run's charts)."""
    if os.environ.get("KUBELAB_BENCH_RESULTS"):
        results = Path(os.environ["KUBELAB_BENCH_RESULTS"])
    elif os.environ.get("KUBELAB_BENCH_NO_WRITE") == "1":
        print(f"(KUBELAB_BENCH_NO_WRITE=1: {name}.json not written)")
        return None
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"{name}.json"
    out.write_text(json.dumps(data, indent=2) + "\n")
    return out


def write_section(name: str, body: str, doc: Path = DOC) -> None:
    """Replace the text between `<!-- bench:NAME:start -->` and `...:end -->`, or append.
    KUBELAB_BENCH_NO_WRITE=1 leaves the document alone (exploratory or loaded-machine runs
    must not replace the recorded figures); KUBELAB_BENCH_DOC=FILE writes to FILE instead
    (bench/suite.py gives each repeated run its own copy and keeps the median run's)."""
    if os.environ.get("KUBELAB_BENCH_NO_WRITE") == "1":
        print(f"(KUBELAB_BENCH_NO_WRITE=1: section {name!r} not written)")
        return
    if os.environ.get("KUBELAB_BENCH_DOC"):
        doc = Path(os.environ["KUBELAB_BENCH_DOC"])
    text = doc.read_text() if doc.exists() else f"# {doc.stem.capitalize()}\n"
    block = f"{_start(name)}\n{body.strip()}\n{_end(name)}"
    if _start(name) in text and _end(name) in text:
        before, rest = text.split(_start(name), 1)
        _, after = rest.split(_end(name), 1)
        text = before + block + after
    else:
        text = text.rstrip() + f"\n\n## {name}\n\n{block}\n"
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(text)


def read_section(name: str, doc: Path = DOC) -> str | None:
    """The body between NAME's markers, or None when the document has no such section."""
    text = doc.read_text() if doc.exists() else ""
    if _start(name) not in text or _end(name) not in text:
        return None
    return text.split(_start(name), 1)[1].split(_end(name), 1)[0].strip()


def _start(name: str) -> str:
    return f"<!-- bench:{name}:start -->"


def _end(name: str) -> str:
    return f"<!-- bench:{name}:end -->"


RATIO_NOTE = ("Ratio: the figure in reference ops (bench/baseline.py, measured at the start "
              "of this run): a latency divided by the reference op's time, a rate multiplied "
              "by it, so the same software on a faster machine should give about the same "
              "ratio.")


def baseline_table(baseline: dict[str, Any] | None,
                   metrics: list[tuple[str, float | None, str]]) -> str:
    """Markdown: this run's baseline and, for each (label, value, unit) that measures the
    machine's speed (ms, s, /s), the value beside its ratio to the baseline. Empty when
    the run has no baseline (older result files)."""
    if not baseline:
        return ""
    rows = []
    for label, value, unit in metrics:
        r = ratio(value, unit, baseline) if value is not None else None
        if r is not None:
            rows.append(f"| {label} | {value:.4g} {unit} | {_ratio_text(r)} |")
    return "\n".join([describe(baseline) + ".", "", RATIO_NOTE, "",
                      "| metric | value | ratio (reference ops) |", "|---|---|---|", *rows])


def _ratio_text(r: float) -> str:
    return f"{r:,.0f}" if r >= 100 else f"{r:.3g}"
