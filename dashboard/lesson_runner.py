"""Run lessons end to end: every step's actions (or a yourself step's solution), then wait
for its check to turn green; a step that does not within its timeout fails the lesson.

The runner calls the same perform/evaluate functions as the lesson page's buttons and
polls, so passing here means a class clicking through gets the same result. It resets the
lesson before (leftovers of an earlier run) and after (nodes revived, objects deleted).
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cluster import auth, store
from cluster.errors import ApiError
from dashboard import lesson_actions
from dashboard.lesson_checks import plain
from dashboard.lesson_model import Lesson
from dashboard.lesson_views import evaluate_step, namespace_for

POLL_SECONDS = 0.25
RESET_TIMEOUT = 60.0
RUNNER = auth.Principal(name="lesson-runner", is_admin=True)


@dataclass
class Outcome:
    lesson: str
    ok: bool = True
    skipped: str = ""
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def containers_run() -> bool:
    """True when some Ready node runs real containers (not a simulated one)."""
    for body in store.list_objects("Node").items:
        node = json.loads(body)
        simulated = (node["metadata"].get("labels") or {}).get("kubelab.io/simulated")
        if simulated != "true":
            return True
    return False


def _wait(what: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(POLL_SECONDS)
    return what()


def _reset(lesson: Lesson, principal: auth.Principal, say: Callable[[str], None]) -> None:
    namespace = namespace_for(principal, lesson)
    lesson_actions.reset(principal, lesson, namespace)
    if not _wait(lambda: lesson_actions.leftovers(lesson, namespace) == 0, RESET_TIMEOUT):
        say(f"  reset: {lesson_actions.leftovers(lesson, namespace)} object(s) still there")


def run_lesson(lesson: Lesson, *, principal: auth.Principal = RUNNER,
               say: Callable[[str], None] = print, speed: float = 1.0) -> Outcome:
    """`speed` scales every step's timeout (a slow CI machine may ask for more)."""
    outcome = Outcome(lesson.id)
    started = time.monotonic()
    if lesson.needs == "containers" and not containers_run():
        outcome.skipped = "needs real containers; every node here is simulated"
        say(f"{lesson.id}: skipped ({outcome.skipped})")
        return outcome
    namespace = namespace_for(principal, lesson)
    say(f"{lesson.id}: {lesson.title} (namespace {namespace})")
    lesson_actions.ensure_namespace(principal, namespace)
    _reset(lesson, principal, say)
    try:
        for index, step in enumerate(lesson.steps):
            if not _run_step(lesson, index, principal, namespace, say, speed):
                outcome.ok = False
                outcome.failures.append(f"step {index + 1} ({step.title})")
                break
    finally:
        _reset(lesson, principal, say)
        outcome.seconds = time.monotonic() - started
    say(f"{lesson.id}: {'passed' if outcome.ok else 'FAILED'} in {outcome.seconds:.1f} s")
    return outcome


def _run_step(lesson: Lesson, index: int, principal: auth.Principal, namespace: str,
              say: Callable[[str], None], speed: float) -> bool:
    step = lesson.steps[index]
    begun = time.monotonic()
    if step.missing_kinds():
        say(f"  step {index + 1} {step.title}: skipped, this cluster does not serve "
            f"{', '.join(step.missing_kinds())}")
        return True
    for action in step.solution if step.yourself and step.solution else step.actions:
        try:
            lesson_actions.perform(principal, lesson, namespace, action)
        except ApiError as err:
            say(f"  step {index + 1} {step.title}: action {action['do']} failed: {err.message}")
            return False
    if step.check is None:
        say(f"  step {index + 1} {step.title}: no check")
        return True
    last: dict = {}

    def green() -> bool:
        last.update(evaluate_step(principal, lesson, index)["check"])
        return bool(last["ok"])
    if _wait(green, step.timeout * speed):
        say(f"  step {index + 1} {step.title}: green in {time.monotonic() - begun:.1f} s")
        return True
    say(f"  step {index + 1} {step.title}: not green after {step.timeout * speed:.0f} s: "
        f"expected {plain(str(last.get('text')))}, found {last.get('found')}")
    return False
