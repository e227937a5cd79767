"""Lessons as data: YAML or Markdown files under dashboard/lessons/, loaded and validated here.

A teacher adds a lesson by dropping a file in that folder (or in a folder named by
KUBELAB_LESSONS_DIRS, colon-separated); nothing else changes. A file that does not parse
or breaks the schema becomes a LoadError with the file name and the place, shown on the
lessons page and logged, and the other lessons still load. Files are re-read when one of
them changes, so a fix shows on the next page load without a restart.

A .md lesson (front matter, a ## heading per step; see dashboard/lesson_markdown.py) is
reshaped into the map a .yaml lesson holds and validated by the same code below, so both
formats give the same Lesson.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dashboard.vocabulary import BY_KEY

log = logging.getLogger(__name__)
LESSONS_DIR = Path(__file__).resolve().parent / "lessons"
LESSON_ID = re.compile(r"^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$")
TERM = re.compile(r"\[\[([A-Za-z]+)(\|s)?\]\]")
ACTIONS = ("apply", "scale", "delete-pod", "kill-node", "revive-node", "set-image",
           "set-labels", "restart", "cordon", "uncordon", "drain")
CHECK_KEYS = {"kind", "name", "selector", "phase", "ready", "count", "min", "max", "fields",
              "exists", "absent", "conditions", "distinct", "avoidNodes", "text", "all"}
DEFAULT_TIMEOUT = 60.0


class LessonError(ValueError):
    """A schema problem; `where` is a path inside the file such as steps[2].check."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where  # kept so a Markdown lesson can turn it into a line number


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    borg: str = ""  # where Borg differs, with the paper's section
    actions: tuple[dict, ...] = ()  # buttons, performed in order by the runner
    yourself: str = ""  # a task for the student (editor or kubectl) instead of buttons
    manifest: str = ""  # what the student may open in the editor for a yourself step
    solution: tuple[dict, ...] = ()  # what the runner does for a yourself step
    check: dict | None = None
    timeout: float = DEFAULT_TIMEOUT
    requires: tuple[str, ...] = ()  # kinds the step needs; skipped where not served

    def missing_kinds(self) -> list[str]:
        from cluster.resources import BY_KIND
        return [k for k in self.requires if k not in BY_KIND]


@dataclass(frozen=True)
class Lesson:
    id: str
    order: int
    title: str
    summary: str
    steps: tuple[Step, ...]
    needs: str = ""  # "containers": only on a cluster whose nodes run Docker
    path: str = ""

    def public(self) -> dict:
        """What the lesson page's script gets (manifests included, for the editor link)."""
        return {"id": self.id, "title": self.title, "summary": self.summary,
                "needs": self.needs,
                "steps": [{"title": s.title, "text": s.text, "borg": s.borg,
                           "yourself": s.yourself, "manifest": s.manifest,
                           "actions": [{"do": a["do"], "button": a.get("button") or
                                        default_button(a)} for a in s.actions],
                           "check": bool(s.check), "missing": s.missing_kinds()}
                          for s in self.steps]}


@dataclass(frozen=True)
class LoadError:
    path: str
    message: str


@dataclass
class Catalogue:
    lessons: dict[str, Lesson] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)

    def ordered(self) -> list[Lesson]:
        return sorted(self.lessons.values(), key=lambda lesson: (lesson.order, lesson.id))


def default_button(action: dict) -> str:
    labels = {"apply": "Apply the manifest", "scale": "Scale to {replicas}",
              "delete-pod": "Delete a pod", "kill-node": "Kill the node",
              "revive-node": "Revive the node", "set-image": "Change the image to {image}",
              "set-labels": "Change the labels", "restart": "Restart the rollout",
              "cordon": "Cordon the node", "uncordon": "Uncordon the node",
              "drain": "Drain the node"}
    try:
        return labels[action["do"]].format(**action)
    except (KeyError, IndexError):
        return str(action.get("do"))


# --- validation ----------------------------------------------------------------------
def _text(raw: dict, key: str, where: str, *, required: bool = False) -> str:
    value = raw.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise LessonError(f"{where}.{key}", "must be text")
    if required and not value.strip():
        raise LessonError(f"{where}.{key}", "is required")
    for match in TERM.finditer(value):
        if match.group(1).lower() not in BY_KEY:
            raise LessonError(f"{where}.{key}", f"[[{match.group(1)}]] is not a term of "
                                                "the vocabulary (see /glossary)")
    return value


def _action(raw: Any, where: str) -> dict:
    if not isinstance(raw, dict) or raw.get("do") not in ACTIONS:
        raise LessonError(where, f"an action needs do: one of {', '.join(ACTIONS)}")
    needs = {"apply": ("manifest",), "scale": ("name", "replicas"), "set-image":
             ("name", "image"), "set-labels": ("kind",), "restart": ("name",)}
    for key in needs.get(raw["do"], ()):
        if key not in raw:
            raise LessonError(where, f"do: {raw['do']} needs {key}")
    if raw["do"] == "apply":
        docs = list(yaml.safe_load_all(raw["manifest"]))  # a broken manifest fails here
        if not docs or not all(isinstance(d, dict) and (d.get("kind") or "job" in d)
                               for d in docs):
            raise LessonError(f"{where}.manifest", "every document needs a kind (or is a "
                                                   "Borg job:)")
    if raw.get("expect", "refused") != "refused":
        raise LessonError(f"{where}.expect", "may only be refused")
    if raw["do"] == "set-labels" and not isinstance(raw.get("set", {}), dict):
        raise LessonError(f"{where}.set", "must be a map of labels")
    return dict(raw)


def _check(raw: Any, where: str, requires: tuple[str, ...] = ()) -> dict:
    if not isinstance(raw, dict):
        raise LessonError(where, "a check is a map such as {kind: Pod, selector: app=web}")
    unknown = set(raw) - CHECK_KEYS
    if unknown:
        raise LessonError(where, f"unknown key(s) {', '.join(sorted(unknown))}; a check "
                                 f"knows {', '.join(sorted(CHECK_KEYS))}")
    if "all" in raw:
        if not isinstance(raw["all"], list) or not raw["all"]:
            raise LessonError(f"{where}.all", "must be a list of checks")
        for i, sub in enumerate(raw["all"]):
            _check(sub, f"{where}.all[{i}]", requires)
        return dict(raw)
    from cluster.resources import BY_KIND
    if raw.get("kind") not in BY_KIND and raw.get("kind") not in requires:
        raise LessonError(f"{where}.kind", f"{raw.get('kind')!r} is not a kind kubelab serves")
    for key in ("count", "min", "max"):
        if key in raw and (not isinstance(raw[key], int) or raw[key] < 0):
            raise LessonError(f"{where}.{key}", "must be a whole number")
    for key in ("fields", "conditions"):
        if not isinstance(raw.get(key, {}), dict):
            raise LessonError(f"{where}.{key}", "must be a map")
    for key in ("exists", "absent"):
        if not isinstance(raw.get(key, []), list):
            raise LessonError(f"{where}.{key}", "must be a list of field paths")
    if "selector" in raw:
        from cluster.selectors import SelectorError, parse_label_selector
        try:
            parse_label_selector(str(raw["selector"]).replace("{{lesson}}", "x"))
        except SelectorError as exc:
            raise LessonError(f"{where}.selector", str(exc)) from None
    return dict(raw)


def _step(raw: Any, where: str) -> Step:
    if not isinstance(raw, dict):
        raise LessonError(where, "a step is a map with title, text, actions and check")
    actions = raw.get("actions") or []
    solution = raw.get("solution") or []
    if not isinstance(actions, list) or not isinstance(solution, list):
        raise LessonError(where, "actions and solution are lists")
    yourself = _text(raw, "yourself", where)
    requires = raw.get("requires") or []
    if not isinstance(requires, list) or not all(isinstance(k, str) for k in requires):
        raise LessonError(f"{where}.requires", "must be a list of kinds")
    timeout = raw.get("timeout", DEFAULT_TIMEOUT)
    if not isinstance(timeout, int | float) or not 1 <= timeout <= 600:
        raise LessonError(f"{where}.timeout", "must be seconds from 1 to 600")
    return Step(
        title=_text(raw, "title", where, required=True),
        text=_text(raw, "text", where, required=True), borg=_text(raw, "borg", where),
        actions=tuple(_action(a, f"{where}.actions[{i}]") for i, a in enumerate(actions)),
        yourself=yourself, manifest=_text(raw, "manifest", where),
        solution=tuple(_action(a, f"{where}.solution[{i}]") for i, a in enumerate(solution)),
        check=_check(raw["check"], f"{where}.check", tuple(requires))
        if raw.get("check") else None,
        timeout=float(timeout), requires=tuple(requires))


def parse_lesson(text: str, path: str = "") -> Lesson:
    """One lesson from its YAML text; LessonError or yaml.YAMLError when it is malformed."""
    return _from_map(yaml.safe_load(text), path)


def parse_markdown_lesson(text: str, path: str = "") -> Lesson:
    """One lesson from Markdown with front matter: the Lesson its YAML twin gives, or a
    LessonError that starts with the line ("line 12: steps[0].check.kind: ...")."""
    # Imported here because lesson_markdown imports LessonError from this module.
    from dashboard.lesson_markdown import split
    raw, lines = split(text)
    try:
        return _from_map(raw, path)
    except LessonError as exc:
        raise LessonError(f"line {_line_of(exc.where, lines)}", str(exc)) from None


def parse_file(path: Path) -> Lesson:
    """The lesson in a .md or .yaml/.yml file, by its suffix."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return parse_markdown_lesson(text, str(path))
    return parse_lesson(text, str(path))


def _line_of(where: str, lines: dict[str, int]) -> int:
    """The line of the longest known prefix of `where` ("steps[0].check.kind" is found at
    "steps[0].check", else at the step's heading); line 1 when nothing matches."""
    parts = re.split(r"(?=[.\[])", where)
    for n in range(len(parts), 0, -1):
        if "".join(parts[:n]) in lines:
            return lines["".join(parts[:n])]
    return 1


def _from_map(raw: Any, path: str) -> Lesson:
    if not isinstance(raw, dict):
        raise LessonError("", "the file must be a YAML map with id, title and steps")
    lesson_id = raw.get("id")
    if not isinstance(lesson_id, str) or not LESSON_ID.match(lesson_id):
        raise LessonError("id", "must be lowercase letters, digits and dashes, such as "
                                "pods or 04-self-healing")
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise LessonError("steps", "a lesson needs a list of at least one step")
    order = raw.get("order", 100)
    if not isinstance(order, int):
        raise LessonError("order", "must be a whole number")
    if raw.get("needs", "") not in ("", "containers"):
        raise LessonError("needs", "may only be containers (a Docker cluster)")
    return Lesson(id=lesson_id, order=order, title=_text(raw, "title", "", required=True),
                  summary=_text(raw, "summary", ""), needs=raw.get("needs", ""), path=path,
                  steps=tuple(_step(s, f"steps[{i}]") for i, s in enumerate(steps)))


def lesson_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("KUBELAB_LESSONS_DIRS", "").split(":") if p]
    return [LESSONS_DIR, *extra]


def _files() -> list[Path]:
    return sorted(p for d in lesson_dirs() if d.is_dir()
                  for p in d.iterdir() if p.suffix in (".yaml", ".yml", ".md"))


def load(files: list[Path] | None = None) -> Catalogue:
    catalogue = Catalogue()
    for path in files if files is not None else _files():
        try:
            lesson = parse_file(path)
            if lesson.id in catalogue.lessons:
                raise LessonError("id", f"{lesson.id!r} is already the id of "
                                        f"{Path(catalogue.lessons[lesson.id].path).name}")
        except (LessonError, yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
            message = _yaml_message(exc) if isinstance(exc, yaml.YAMLError) else str(exc)
            catalogue.errors.append(LoadError(path.name, message))
            log.error("lesson file %s is malformed: %s", path, message)
            continue
        catalogue.lessons[lesson.id] = lesson
    return catalogue


def _yaml_message(exc: yaml.YAMLError) -> str:
    """"YAML syntax error at line 9, column 61: ..." rather than PyYAML's multi-line dump."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    hint = " (text with a colon must be quoted or written as a | block)" \
        if "mapping values" in str(problem) else ""
    return f"YAML syntax error{where}: {' '.join(str(problem).split())}{hint}"


_cache: dict[str, Any] = {"stamp": None, "catalogue": None}
_lock = threading.Lock()


def catalogue() -> Catalogue:
    """The lessons, re-read when a file is added, removed or changed."""
    files = _files()
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    with _lock:
        if _cache["stamp"] != stamp:
            _cache["catalogue"], _cache["stamp"] = load(files), stamp
        return _cache["catalogue"]
