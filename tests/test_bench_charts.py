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
