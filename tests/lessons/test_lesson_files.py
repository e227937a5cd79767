"""Lesson files: the shipped ones validate; malformed ones are reported, not fatal."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from dashboard.lesson_model import LESSONS_DIR, LessonError, load, parse_lesson
from tests.lessons.conftest import MALFORMED

GOOD = """id: tiny
title: Tiny
steps:
  - title: One
    text: A [[pod|s]] step.
    actions: [{do: scale, name: web, replicas: 2}]
    check: {kind: Pod, selector: app=web, count: 2}
"""


def test_every_shipped_lesson_validates():
    # Lessons are .yaml or .md (Markdown with front matter); both count.
    catalogue = load(sorted(p for p in LESSONS_DIR.iterdir()
                            if p.suffix in (".yaml", ".yml", ".md")))
    assert catalogue.errors == []
    assert len(catalogue.lessons) >= 12
    assert [lesson.order for lesson in catalogue.ordered()][:12] == list(range(1, 13))


def test_a_yaml_syntax_error_names_the_file_line_and_column(tmp_path: Path, caplog):
    (tmp_path / "99-broken.yaml").write_text(MALFORMED)
    (tmp_path / "01-tiny.yaml").write_text(GOOD)
    with caplog.at_level(logging.ERROR, logger="dashboard.lesson_model"):
        catalogue = load(sorted(tmp_path.glob("*.yaml")))
    assert list(catalogue.lessons) == ["tiny"]  # the good one still loads
    [error] = catalogue.errors
    assert error.path == "99-broken.yaml"
    assert error.message.startswith("YAML syntax error at line 5, column")
    assert "99-broken.yaml" in caplog.text and "YAML syntax error" in caplog.text


@pytest.mark.parametrize(("change", "message"), [
    (("kind: Pod, selector", "kind: Podd, selector"), "steps[0].check.kind: 'Podd' is not a kind"),
    (("count: 2}", "count: 2, colour: red}"), "steps[0].check: unknown key(s) colour"),
    (("do: scale", "do: explode"), "steps[0].actions[0]: an action needs do:"),
    (("[[pod|s]]", "[[alloc]]"), "[[alloc]] is not a term of the vocabulary"),
    (("id: tiny", "id: Tiny Lesson"), "id: must be lowercase"),
    (("selector: app=web", "selector: 'app in ('"), "steps[0].check.selector:"),
])
def test_schema_problems_say_where(change: tuple[str, str], message: str):
    with pytest.raises(LessonError) as raised:
        parse_lesson(GOOD.replace(*change))
    assert message in str(raised.value)
