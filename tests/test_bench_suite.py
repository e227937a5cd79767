"""bench/suite.py (`make bench`): repeated runs, each in its own scratch copy, combined into
the median run's section plus every run's figures; failed and overdue runs reported."""
from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from bench import suite
from tests.waiting import wait_for

ROOT = Path(suite.__file__).resolve().parents[1]

# A stand-in benchmark: its figure is the next number from a list, one per run, so the
# runs differ the way real ones do; "fail" exits 1, "hang" sleeps past any deadline.
FAKE = textwrap.dedent("""
    import json, os, sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from bench.report import write_results, write_section
    plan = Path(os.environ["FAKE_PLAN"])
    figures = json.loads(plan.read_text())
    figure, rest = figures[0], figures[1:]
    plan.write_text(json.dumps(rest))
    if figure == "fail":
        sys.exit(1)
    if figure == "hang":
        Path(os.environ["FAKE_PLAN"] + ".pid").write_text(str(os.getpid()))
        time.sleep(600)
    write_results("fake", {{"took_s": figure, "nested": {{"p99": figure * 10}}}})
    write_section("fake", f"Fake run: took {{figure}} s.")
""")


@pytest.fixture
def fake_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    script = tmp_path / "fake_bench.py"
    script.write_text(FAKE.format(root=str(ROOT)))
    doc, results = tmp_path / "benchmarks.md", tmp_path / "results"
    doc.write_text("# Benchmarks\n\n<!-- bench:fake:start -->\nold\n<!-- bench:fake:end -->\n"
                   "\nprose after the section\n")
    monkeypatch.setenv("KUBELAB_BENCH_DOC", str(doc))
    monkeypatch.setenv("KUBELAB_BENCH_RESULTS", str(results))
    monkeypatch.delenv("KUBELAB_BENCH_NO_WRITE", raising=False)

    def make(figures: list, deadline_s: float = 60) -> suite.Step:
        (tmp_path / "plan.json").write_text(json.dumps(figures))
        return suite.Step("fake", str(script), (), "fake",
                          (suite.Headline("took", ("took_s",), "s", "≤ 4 s"),
                           suite.Headline("p99", ("nested", "p99"), "ms")),
                          deadline_s=deadline_s,
                          env={"FAKE_PLAN": str(tmp_path / "plan.json")})
    return make


def test_the_section_is_the_median_run_with_every_runs_figures(fake_step, tmp_path: Path) -> None:
    runs = suite.run_step(fake_step([5, 1, 3]), 3, tmp_path / "scratch")
    assert [r.ok for r in runs] == [True, True, True]
    doc = (tmp_path / "benchmarks.md").read_text()
    assert "Fake run: took 3 s." in doc and "old" not in doc
    assert doc.rstrip().endswith("prose after the section")
    row = next(line for line in doc.splitlines() if line.startswith("| took |"))
    assert row == "| took | ≤ 4 s | 5.00 s | 1.00 s | 3.00 s | **3.00 s** [1.00–5.00] |"
    assert "| p99 |  | 50.0 ms | 10.0 ms | 30.0 ms | **30.0 ms** [10.0–50.0] |" in doc
    kept = json.loads((tmp_path / "results" / "fake.json").read_text())
    assert kept["took_s"] == 3
    assert [r["took_s"] for r in kept["repeat_runs"]] == [5, 1, 3]


def test_a_failed_run_is_reported_and_the_others_still_count(fake_step, tmp_path: Path) -> None:
    runs = suite.run_step(fake_step([2, "fail", 4]), 3, tmp_path / "scratch")
    assert [r.ok for r in runs] == [True, False, True]
    assert runs[1].why == "exit status 1"
    doc = (tmp_path / "benchmarks.md").read_text()
    assert "ran this 3 times (1 failed: exit status 1)" in doc
    assert "| took | ≤ 4 s | 2.00 s | 4.00 s | **3.00 s** [2.00–4.00] |" in doc
    # Of two finished runs the lower middle one is shown.
    assert "Fake run: took 2 s." in doc


def test_an_overdue_run_is_stopped_with_its_process_group(fake_step, tmp_path: Path) -> None:
    runs = suite.run_step(fake_step(["hang"], deadline_s=5), 1, tmp_path / "scratch")
    assert not runs[0].ok and "deadline" in runs[0].why
    pid = int((tmp_path / "plan.json.pid").read_text())

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False
    wait_for(gone, "the overdue benchmark process to be stopped", timeout=10)
    assert (tmp_path / "benchmarks.md").read_text().count("old") == 1  # nothing replaced


def test_every_benchmark_script_is_a_step_of_the_suite() -> None:
    """A new script under bench/ must be added to STEPS, or `make bench` would skip it."""
    helpers = {"baseline.py", "charts.py", "suite.py", "ui_seed.py"}  # run by the others
    scripts = {p.name for p in (ROOT / "bench").glob("*.py")
               if "__main__" in p.read_text() and p.name not in helpers}
    assert scripts == {Path(step.script).name for step in suite.STEPS}
    names = [s.name for s in suite.STEPS]
    assert len(names) == len(set(names))
