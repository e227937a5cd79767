"""Markdown lessons (front matter + a ## section per step): the same Lesson as the YAML
twin, and malformed ones reported with the file and the line."""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from dashboard.lesson_model import (
    LESSONS_DIR,
    LessonError,
    load,
    parse_file,
    parse_lesson,
    parse_markdown_lesson,
)

TWIN_MD = """---
id: twin
order: 7
title: "7. Twins"
summary: The same lesson in two formats.
needs: containers
---

## Labels are tags

A **label** is a key=value pair; [[selector|s]] use them.

- `app=web` matches two
- `!tier` matches none

```yaml
borg: |
  Borg had no labels (§8.1).
actions:
  - do: apply
    button: Create two pods
    manifest: |
      apiVersion: v1
      kind: Pod
      metadata: {name: front, labels: {app: web}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: back, labels: {app: web}}
check: {kind: Pod, selector: "app=web", count: 2}
timeout: 90
```

## Do it yourself

Scale `web` to 3 from the terminal:

```sh
## not a heading: inside a fence
kubectl scale deployment web --replicas=3
```

```yaml
yourself: Scale web to 3 with kubectl.
manifest: |
  kind: Deployment
solution: [{do: scale, name: web, replicas: 3}]
requires: [Deployment]
check: {kind: Pod, selector: app=web, count: 3}
```

## Only words

Nothing to do here: read, then go on.
"""

TWIN_YAML = """id: twin
order: 7
title: "7. Twins"
summary: The same lesson in two formats.
needs: containers
steps:
  - title: Labels are tags
    text: |
      A **label** is a key=value pair; [[selector|s]] use them.

      - `app=web` matches two
      - `!tier` matches none
    borg: |
      Borg had no labels (§8.1).
    actions:
      - do: apply
        button: Create two pods
        manifest: |
          apiVersion: v1
          kind: Pod
          metadata: {name: front, labels: {app: web}}
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: back, labels: {app: web}}
    check: {kind: Pod, selector: "app=web", count: 2}
    timeout: 90
  - title: Do it yourself
    text: |
      Scale `web` to 3 from the terminal:

      ```sh
      ## not a heading: inside a fence
      kubectl scale deployment web --replicas=3
      ```
    yourself: Scale web to 3 with kubectl.
    manifest: |
      kind: Deployment
    solution: [{do: scale, name: web, replicas: 3}]
    requires: [Deployment]
    check: {kind: Pod, selector: app=web, count: 3}
  - title: Only words
    text: |
      Nothing to do here: read, then go on.
"""

# Line numbers matter below: the heading is line 6, the ```yaml block lines 10 to 13.
GOOD = """---
id: tiny
title: Tiny
---

## One

A [[pod|s]] step.

```yaml
actions: [{do: scale, name: web, replicas: 2}]
check: {kind: Pod, selector: app=web, count: 2}
```
"""


def test_a_markdown_lesson_is_the_same_lesson_as_its_yaml_twin():
    from_md = parse_markdown_lesson(TWIN_MD, "twin.md")
    from_yaml = parse_lesson(TWIN_YAML, "twin.yaml")
    assert dataclasses.replace(from_md, path="") == dataclasses.replace(from_yaml, path="")
    assert [s.title for s in from_md.steps] == ["Labels are tags", "Do it yourself",
                                                "Only words"]
    assert from_md.steps[1].text.startswith("Scale `web` to 3")  # Markdown kept as text
    assert "## not a heading" in from_md.steps[1].text
    assert from_md.steps[2].check is None and from_md.steps[2].actions == ()


def test_the_shipped_markdown_lesson_loads():
    lesson = parse_file(LESSONS_DIR / "03-labels.md")
    assert (lesson.id, lesson.order, len(lesson.steps)) == ("labels", 3, 4)
    assert lesson.steps[0].borg.startswith("Borg had no labels (§8.1)")
    assert lesson.steps[3].check and "all" in lesson.steps[3].check


@pytest.mark.parametrize(("change", "message"), [
    # no front matter at all
    (("---\nid: tiny\ntitle: Tiny\n---\n", ""),
     "line 1: a Markdown lesson starts with front matter"),
    # the closing --- is missing
    (("title: Tiny\n---\n", "title: Tiny\n"),
     "line 1: the front matter opened here is never closed"),
    # prose before the first heading: a step without a title
    (("---\n\n## One", "---\n\nIntroduction.\n\n## One"),
     "line 6: text before the first ## heading"),
    # a colon in a plain YAML value inside the fenced block
    (("count: 2}", "count: 2}\nbutton: Scale: now"),
     "YAML syntax error in the ```yaml block of step 1 at line 13, column"),
    (("title: Tiny", "title: Tiny: really"),
     "YAML syntax error in the front matter at line 3, column"),
    (("count: 2}\n```\n", "count: 2}\n"),
     "line 10: the ``` block opened here is never closed"),
    (("```\n", "```\n\n```yaml\ntimeout: 5\n```\n"),
     "line 15: a step has one ```yaml block; this step's is at line 10"),
    (("actions:", "text: hello\nactions:"),
     "line 10: the ```yaml block may not hold text: the title and text come from"),
    (("## One\n", ""), "line 7: text before the first ## heading"),
    (("\n## One\n\nA [[pod|s]] step.\n\n```yaml\nactions: [{do: scale, name: web, "
      "replicas: 2}]\ncheck: {kind: Pod, selector: app=web, count: 2}\n```\n", "\n"),
     "line 5: no steps"),
    (("title: Tiny\n", "title: Tiny\nsteps: []\n"),
     "line 4: steps are the ## sections below the front matter"),
    # schema errors found by lesson_model point at the right line too
    (("kind: Pod,", "kind: Podd,"), "line 12: steps[0].check.kind: 'Podd' is not a kind"),
    (("do: scale", "do: explode"), "line 11: steps[0].actions[0]: an action needs do:"),
    (("A [[pod|s]] step.", ""), "line 6: steps[0].text: is required"),
    (("id: tiny", "id: Tiny Lesson"), "line 2: id: must be lowercase"),
])
def test_a_malformed_markdown_lesson_names_the_line(change: tuple[str, str], message: str):
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(LessonError) as raised:
        parse_markdown_lesson(text)
    assert message in str(raised.value)


def test_load_reports_a_broken_markdown_file_and_keeps_the_others(tmp_path: Path, caplog):
    (tmp_path / "01-tiny.md").write_text(GOOD)
    (tmp_path / "02-other.yaml").write_text(TWIN_YAML)
    (tmp_path / "99-broken.md").write_text(GOOD.replace("count: 2}\n```\n", "count: 2}\n"))
    with caplog.at_level(logging.ERROR, logger="dashboard.lesson_model"):
        catalogue = load(sorted(tmp_path.iterdir()))
    assert sorted(catalogue.lessons) == ["tiny", "twin"]
    [error] = catalogue.errors
    assert error.path == "99-broken.md"  # shown as "<code>99-broken.md</code>: line 10: ..."
    assert error.message.startswith("line 10: the ``` block opened here is never closed")
    assert "99-broken.md is malformed: line 10" in caplog.text


def test_markdown_files_in_a_lessons_folder_are_found(tmp_path: Path, monkeypatch):
    (tmp_path / "50-tiny.md").write_text(GOOD)
    monkeypatch.setenv("KUBELAB_LESSONS_DIRS", str(tmp_path))
    catalogue = load()
    assert catalogue.errors == []
    assert "tiny" in catalogue.lessons and "labels" in catalogue.lessons


def test_the_lessons_page_lists_a_broken_markdown_file(tmp_path: Path):
    # The same template and context as lesson_views.index, without a browser or a cluster.
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.test import RequestFactory

    (tmp_path / "99-broken.md").write_text(GOOD.replace("---\n\n## One", "---\n\nHi.\n\n## One"))
    catalogue = load(sorted(tmp_path.iterdir()))
    html = render_to_string("dashboard/lessons.html", {
        "principal": SimpleNamespace(name="teacher", is_admin=True),
        "lessons": catalogue.ordered(), "errors": catalogue.errors, "vocabulary_json": {}},
        request=RequestFactory().get("/lessons"))
    assert "<code>99-broken.md</code>: line 6: text before the first ## heading" in html
