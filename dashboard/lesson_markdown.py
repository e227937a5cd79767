"""Markdown lessons: an NN-name.md file read into the same map a YAML lesson file holds.

The format, for a teacher who would rather write prose than YAML::

    ---
    id: labels
    order: 3
    title: "3. Labels and selectors"
    summary: Grouping by labels instead of by job.
    ---

    ## Labels are free-form tags

    A **label** is a key=value pair on any object; [[selector|s]] use them.

    ```yaml
    borg: |
      Borg had no labels (§8.1).
    actions:
      - do: apply
        manifest: |
          apiVersion: v1
          kind: Pod
    check: {kind: Pod, selector: app=web, count: 3}
    ```

    ## The next step
    ...

- The front matter runs from a first line ``---`` to the next line ``---`` and holds the
  lesson's top-level fields in YAML: id, order, title, summary, needs (everything but
  steps).
- Each ``## `` heading starts a step; the heading is the step's title. Nothing but blank
  lines may come between the front matter and the first heading.
- The step's prose (every line of its section outside the ```yaml block, blank lines at
  either end trimmed) is its text, kept as Markdown source: the lesson page renders the
  same small subset as for YAML lessons (paragraphs, "- " lists, `code`, **bold**,
  [[term|s]]). A step's text is what ``text: |`` would give, ending with one newline.
- At most one fenced ```yaml (or ```yml) block per step holds every other step field
  (borg, actions, yourself, manifest, solution, check, timeout, requires), exactly as they
  would be written under the step in a YAML file. Other fenced blocks stay in the prose,
  and a ``## `` line inside any fence is not a heading.

So a Markdown lesson and its YAML twin parse to equal Lesson objects: this module only
reshapes the file into the YAML map, and lesson_model validates it. Malformed structure
raises LessonError("line N", ...); `split` also returns where each part starts so that
lesson_model can put a line number on the schema errors it finds later.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# lesson_model imports this module lazily (inside parse_markdown_lesson), so importing
# from it here is not circular.
from dashboard.lesson_model import LessonError, _yaml_message

FRONT = "---"
HEADING = "##"
# A top-level key of a YAML map (column 0), only used to point an error at its line.
KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


@dataclass
class _Section:
    """One step as read: heading, prose lines and the raw text of its ```yaml block."""
    title: str
    line: int
    prose: list[str] = field(default_factory=list)
    block: list[str] | None = None
    block_line: int = 0  # the ```yaml line


def split(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The map the equivalent YAML file holds, and the 1-based line where each part starts,
    keyed like LessonError's `where` ("id", "steps[1]", "steps[1].check").

    Raises LessonError("line N", ...) for broken structure or YAML.
    """
    lines = text.removeprefix("\ufeff").splitlines()
    where: dict[str, int] = {}
    lesson, body = _front_matter(lines, where)
    steps = []
    for i, section in enumerate(_sections(lines, body)):
        where[f"steps[{i}]"] = section.line
        fields = _block(section, i, where)
        steps.append({"title": section.title, "text": _prose(section.prose), **fields})
    return {**lesson, "steps": steps}, where


def _front_matter(lines: list[str], where: dict[str, int]) -> tuple[dict[str, Any], int]:
    """The top-level fields, and the index of the first body line."""
    if not lines or lines[0].rstrip() != FRONT:
        raise LessonError("line 1", "a Markdown lesson starts with front matter: a line ---, "
                                    "then id, order, title and summary in YAML, then a "
                                    "line ---")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FRONT), None)
    if end is None:
        raise LessonError("line 1", "the front matter opened here is never closed by a "
                                    "line ---")
    fields = _yaml(lines[1:end], 2, "the front matter")
    if not isinstance(fields, dict):
        raise LessonError("line 2", "the front matter must be a YAML map with id and title")
    _key_lines(lines[1:end], 2, "", where)
    if "steps" in fields:
        raise LessonError(f"line {where.get('steps', 2)}",
                          "steps are the ## sections below the front matter, not a field")
    return fields, end + 1


def _sections(lines: list[str], start: int) -> list[_Section]:
    sections: list[_Section] = []
    fence = 0  # line number of the open fence, 0 when outside one
    fence_is_yaml = False
    for n, line in enumerate(lines[start:], start + 1):
        current = sections[-1] if sections else None
        if fence:
            closes = line.strip().startswith("```") and not line.strip().strip("`")
            if closes:
                fence = 0
            if not fence_is_yaml:  # other fenced blocks stay in the prose, fences included
                current.prose.append(line)
            elif not closes:
                current.block.append(line)
            continue
        if line.rstrip() == HEADING or line.startswith(HEADING + " "):
            sections.append(_Section(title=line[len(HEADING):].strip(), line=n))
            continue
        if current is None:
            if line.strip():
                raise LessonError(f"line {n}", "text before the first ## heading: every step "
                                               "starts with a line '## its title'")
            continue
        if line.startswith("```"):
            fence, fence_is_yaml = n, line[3:].strip().lower() in ("yaml", "yml")
            if fence_is_yaml:
                if current.block is not None:
                    raise LessonError(f"line {n}", f"a step has one ```yaml block; this "
                                                   f"step's is at line {current.block_line}")
                current.block, current.block_line = [], n
                continue
        current.prose.append(line)
    if fence:
        raise LessonError(f"line {fence}", "the ``` block opened here is never closed by a "
                                           "line ```")
    if not sections:
        raise LessonError(f"line {min(start + 1, len(lines))}",
                          "no steps: every step starts with a line '## its title'")
    return sections


def _block(section: _Section, index: int, where: dict[str, int]) -> dict[str, Any]:
    """The step's fields from its ```yaml block ({} without one)."""
    if section.block is None:
        return {}
    first = section.block_line + 1
    fields = _yaml(section.block, first, f"the ```yaml block of step {index + 1}")
    if fields is None:
        return {}
    if not isinstance(fields, dict):
        raise LessonError(f"line {section.block_line}", "a step's ```yaml block is a map of "
                                                        "its fields, such as check: {...}")
    both = sorted({"title", "text"} & set(fields))
    if both:
        raise LessonError(f"line {section.block_line}",
                          f"the ```yaml block may not hold {' or '.join(both)}: the title "
                          "and text come from the ## heading and the prose")
    _key_lines(section.block, first, f"steps[{index}].", where)
    return fields


def _yaml(lines: list[str], first: int, what: str) -> Any:
    """YAML from part of the file, its error moved to the file's line numbers."""
    try:
        return yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        marks = (getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None))
        for mark in {id(m): m for m in marks if m is not None}.values():
            mark.line += first - 1  # marks count from 0 within `lines`
        message = _yaml_message(exc).replace("YAML syntax error", f"YAML syntax error in "
                                                                  f"{what}", 1)
        raise LessonError("", message) from None


def _key_lines(lines: list[str], first: int, prefix: str, where: dict[str, int]) -> None:
    for n, line in enumerate(lines, first):
        match = KEY.match(line)
        if match:
            where.setdefault(prefix + match.group(1), n)


def _prose(lines: list[str]) -> str:
    """The text a YAML `text: |` block would hold: blank lines at the ends trimmed, one
    final newline."""
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = max((i + 1 for i, line in enumerate(lines) if line.strip()), default=start)
    return "\n".join(lines[start:end]) + "\n" if end > start else ""
