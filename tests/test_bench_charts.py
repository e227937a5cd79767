"""bench/charts.py: the offline benchmark page drawn from result files, bad files skipped."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import charts

UI = {"clients": 30, "writes": 300, "latency_p50_ms": 27.4, "latency_p99_ms": 52.8,
      "latency_max_ms": 82.2, "first_paint_s": 0.69, "longest_task_ms": 564, "cpus": 2}
# An older timetravel.json: no seek_max_ms, which must only leave that bar out.
TIMETRAVEL = {"events": 5000, "seek_p50_ms": 163.0, "seek_p95_ms": 206.3, "cpus": 2}


def build(tmp_path: Path, files: dict[str, str]) -> str:
    results = tmp_path / "results"
    results.mkdir()
    for name, text in files.items():
        (results / name).write_text(text)
    out = tmp_path / "docs" / "benchmarks.html"
    assert charts.main(["--results", str(results), "--out", str(out)]) == 0
    return out.read_text()


def sections(page: str) -> dict[str, str]:
    """Each benchmark's part of the page, by its h2 id."""
    parts = re.split(r"<h2 id='([^']+)'>", page)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.fixture
def page(tmp_path: Path) -> str:
    return build(tmp_path, {"ui.json": json.dumps(UI),
                            "timetravel.json": json.dumps(TIMETRAVEL)})


def test_the_page_has_a_figure_for_each_benchmark(page: str) -> None:
    found = sections(page)
    assert set(found) == {"ui", "timetravel"}
    for body in found.values():
        # the headline figure and the percentile distribution
        assert body.count('class="plotly-graph-div"') == 2


def test_plotly_js_comes_from_the_vendored_copy_and_nothing_is_fetched(page: str) -> None:
    sources = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page)
    assert sources == ["../static/vendor/plotly/plotly.min.js"]
    docs = Path(__file__).resolve().parents[1] / "docs"
    assert (docs / sources[0]).resolve().is_file()
    assert "cdn.plot.ly" not in page and "https://cdn" not in page


def test_goals_and_ratios_appear_with_the_values(page: str) -> None:
    ui, timetravel = sections(page)["ui"], sections(page)["timetravel"]
    for goal in ("≤ 100 ms", "≤ 3 s"):
        assert goal in ui
    assert "0.53×" in ui  # create → chip p99: 52.8 against 100 ms
    assert "≤ 500 ms" in timetravel
    # the goal bars in the figure's data, beside the measured ones
    assert '"name":"goal"' in ui and '"y":[null,100,100]' in ui and '"y":[3]' in ui


def test_a_malformed_file_is_skipped_with_a_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = build(tmp_path, {"ui.json": json.dumps(UI), "editor.json": '{"feedback_p95_ms": ',
                            "classroom.json": "[1, 2]"})
    assert set(sections(page)) == {"ui"}  # the good file still drawn
    err = capsys.readouterr().err
    assert "skipped" in err and "editor.json" in err and "classroom.json" in err


def test_no_result_files_still_gives_a_page(tmp_path: Path) -> None:
    page = build(tmp_path, {})
    assert "No result files found" in page and "plotly.min.js" in page


# --- scheduler and nodes_docker: the shapes their scripts write ----------------------
BASELINE = {"python_ops_per_s": {"median": 5000.0, "min": 4000.0, "max": 6000.0},
            "sqlite_commits_per_s": {"median": 10000.0, "min": 9000.0, "max": 11000.0},
            "reference_op_us": 300.0, "rounds": 5, "what": "test"}


def scheduler_result() -> dict:
    from bench.scheduler import _median_round

    def round_(run: str, throughput: float) -> dict:
        return {"run": run, "explain": True, "equivalence": True, "percentage": 0,
                "batch": 50, "pods": 100, "bound": 100, "outcomes": {}, "seconds": 1.0,
                "throughput": throughput, "latency_p50": 0.5, "latency_p99": 0.9,
                "cycle_p50_ms": 1.8, "cycle_p99_ms": 9.0}
    rounds = {"all on": [round_("all on", t) for t in (250.0, 270.0, 290.0)],
              "no annotation": [round_("no annotation", t) for t in (400.0, 380.0, 420.0)]}
    return {"date": "2026-11-28 00:00 UTC", "machine": "test 2 cores", "command": "x",
            "baseline": BASELINE, "runs": [_median_round(r) for r in rounds.values()],
            "rounds": rounds}


def nodes_docker_result() -> dict:
    from bench.nodes_docker import summarise
    paced = [([0.2, 0.4, 1.0], 50.0), ([0.3, 0.5, 1.2], 51.0), ([0.3, 0.6, 2.0], 52.0)]
    burst = [([5.0, 10.0, 20.0], 21.0)]
    return {"date": "2026-11-28 00:00 UTC", "machine": "test 2 cores", "command": "x",
            "baseline": BASELINE,
            "loads": [summarise("paced", "paced, 2 pods/s (open loop)", paced, 3),
                      summarise("burst", "burst, back to back from 4 threads", burst, 3)]}


def test_scheduler_and_nodes_docker_results_are_drawn(tmp_path: Path) -> None:
    page = build(tmp_path, {"scheduler.json": json.dumps(scheduler_result()),
                            "nodes_docker.json": json.dumps(nodes_docker_result())})
    found = sections(page)
    assert set(found) == {"scheduler", "nodes_docker"}
    assert "Without a results file" not in page  # both now have one
    sched, docker = found["scheduler"], found["nodes_docker"]
    # headline + cycle distribution + create → bound distribution
    assert sched.count('class="plotly-graph-div"') == 3
    assert "≥ 300 /s" in sched and "0.90×" in sched  # median round 270 against 300
    assert '"error_y":{"array":[20.0],"arrayminus":[20.0]' in sched  # the rounds' range
    # headline (paced and burst p99) + the per-load percentile distribution
    assert docker.count('class="plotly-graph-div"') == 2
    # paced p99 per run 1.0, 1.2, 2.0 s: the median 1.2 s meets 1.5 s, drawn with its range
    assert "≤ 1.5 s" in docker and "<td class=met>met</td>" in docker and "0.80×" in docker
    assert '"error_y":{"array":[0.8,0.0],"arrayminus":[0.19999999999999996,0.0]' in docker
    assert "paced created → Running p99" in docker and "burst created → Running p99" in docker


def test_the_nodes_docker_section_renders_medians_ranges_and_ratios() -> None:
    from bench.nodes_docker import render
    result = {**nodes_docker_result(), "pods": 3, "nodes": 1, "repeat": 3,
              "load_average": 1.0}
    text = render(result)
    # paced: p99 of each run 1.0, 1.2, 2.0 s -> median 1.20 [1.00–2.00]
    # paced p50 of the runs 0.4, 0.5, 0.6 s; p99 1.0, 1.2, 2.0 s: medians with their ranges
    assert "| paced, 2 pods/s (open loop) | 3/3 | 0.50 s [0.40–0.60] | 1.20 s [1.00–2.00] |" \
        in text
    assert "| paced p99 | 1.2 s | 4,000 |" in text  # 1.2 s / 300 µs
    assert "| burst p99 | 20 s | 66,667 |" in text


def test_a_missing_scheduler_file_is_named_with_what_to_run(tmp_path: Path) -> None:
    page = build(tmp_path, {"ui.json": json.dumps(UI)})
    assert "Without a results file" in page and "run bench/scheduler.py" in page


def test_ratios_to_the_runs_baseline_are_shown(tmp_path: Path) -> None:
    page = build(tmp_path, {"ui.json": json.dumps({**UI, "baseline": BASELINE})})
    ui = sections(page)["ui"]
    assert "reference op 300.0 µs" in ui and "in reference ops" in ui
    # create → chip p99 52.8 ms / 0.3 ms = 176; first paint 0.69 s / 0.3 ms = 2300
    assert "<td class=n>176</td>" in ui and "<td class=n>2300</td>" in ui


def test_the_baseline_measures_and_ratios_scale_with_it() -> None:
    from bench import baseline
    from bench.report import baseline_table
    measured = baseline.measure(rounds=1, seconds=0.05)
    assert measured["python_ops_per_s"]["median"] > 0
    assert measured["sqlite_commits_per_s"]["median"] > 0
    assert measured["reference_op_us"] > 0
    # a latency divided by the reference op's time, a rate multiplied by it
    assert baseline.ratio(30.0, "ms", BASELINE) == pytest.approx(100.0)
    assert baseline.ratio(2.0, "/s", BASELINE) == pytest.approx(0.0006)
    assert baseline.ratio(100.0, "MiB", BASELINE) is None  # not a speed
    assert baseline.ratio(30.0, "ms", None) is None
    table = baseline_table(BASELINE, [("p99", 30.0, "ms"), ("rss", 100.0, "MiB"),
                                      ("rate", 2.0, "/s"), ("skipped", None, "ms")])
    assert "| p99 | 30 ms | 100 |" in table and "| rate | 2 /s | 0.0006 |" in table
    assert "rss" not in table and "skipped" not in table
    assert baseline_table(None, [("p99", 30.0, "ms")]) == ""


def test_a_combined_results_file_shows_the_median_of_its_runs_with_the_range() -> None:
    from bench.chart_readers import READERS, Bench, add_repeat_ranges
    runs = [{"scale_s": 41.0}, {"scale_s": 37.5}, {"scale_s": 44.0}]
    data = {**runs[0], "repeat_runs": runs}  # the file is the median run, plus every run
    bench = Bench("controllers_10k", data)
    READERS["controllers_10k"](data, bench)
    add_repeat_ranges("controllers_10k", data, bench)
    [point] = bench.points
    assert (point.metric, point.value, point.low, point.high) == (
        "controllers_10k.scale_s", 41.0, 37.5, 44.0)


def test_the_summary_table_gives_value_goal_verdict_and_anchor() -> None:
    from bench import summary
    from bench.chart_readers import READERS, Bench
    ui = Bench("ui", {**UI, "first_paint_s": 4.5})
    READERS["ui"](ui.data, ui)
    sched = Bench("scheduler", {"runs": [
        {"run": "all on", "throughput": 320.0, "throughput_min": 300.0, "throughput_max": 340.0},
        {"run": "no batching", "throughput": 150.0}]})
    READERS["scheduler"](sched.data, sched)
    table = summary.markdown([ui, sched])
    assert "| ui | first paint | 4.5 s | ≤ 3 s | 1.50× | **missed** |" in table
    assert "| scheduler | pods bound (all on) | 320 /s [300–340] | ≥ 300 /s | 1.07× | met |" \
        in table
    # A run with a technique switched off is a comparison, not a missed goal.
    assert "| scheduler | pods bound (no batching) | 150 /s |  |  | comparison |" in table
    assert "kube-scheduler's CI" in table.split("Anchors:")[1]
