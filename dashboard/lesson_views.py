"""Lesson pages (/lessons, /lessons/<id>) and the JSON endpoints behind their buttons.

Same cookie login and CSRF rules as the other /ui/ endpoints. The lesson page is the
cluster map with a lesson panel beside it, so a projector shows both the words and the
cluster changing. Every read and write uses the viewer's own token; a student's lesson
acts in their own namespace, the teacher's in lesson-<id>.
"""
from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from cluster.auth import Principal
from cluster.errors import BadRequest, NotFound
from dashboard import lesson_actions, lesson_checks, lesson_follow, session
from dashboard.json_endpoint import json_endpoint
from dashboard.lesson_model import Lesson, catalogue
from dashboard.vocabulary import as_dict


def namespace_for(principal: Principal, lesson: Lesson) -> str:
    if principal.is_admin or not principal.namespaces:
        return f"lesson-{lesson.id}"
    return sorted(principal.namespaces)[0]


def _lesson(lesson_id: str) -> Lesson:
    lesson = catalogue().lessons.get(lesson_id)
    if lesson is None:
        raise NotFound(f'there is no lesson "{lesson_id}"')
    return lesson


@ensure_csrf_cookie
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    principal = session.principal_from_request(request)
    if principal is None:
        return redirect("/login")
    cat = catalogue()
    return render(request, "dashboard/lessons.html", {
        "principal": principal, "lessons": cat.ordered(), "errors": cat.errors,
        "vocabulary_json": as_dict()})


@ensure_csrf_cookie
@require_GET
def page(request: HttpRequest, lesson_id: str) -> HttpResponse:
    principal = session.principal_from_request(request)
    if principal is None:
        return redirect("/login")
    lesson = catalogue().lessons.get(lesson_id)
    if lesson is None:
        raise Http404("no such lesson")
    namespace = namespace_for(principal, lesson)
    public = lesson.public()
    for step in public["steps"]:
        if step["manifest"]:
            step["manifest"] = lesson_actions.for_editor(step["manifest"], lesson, namespace)
    return render(request, "dashboard/lesson.html", {
        "principal": principal, "namespaces": sorted(principal.namespaces),
        "lesson": lesson, "vocabulary_json": as_dict(),
        "lesson_json": {**public, "namespace": namespace, "teacher": principal.is_admin}})




def _step_index(lesson: Lesson, raw: object) -> int:
    try:
        index = int(str(raw))
    except ValueError:
        raise BadRequest("step must be a number") from None
    if not 0 <= index < len(lesson.steps):
        raise BadRequest(f"the lesson has steps 0 to {len(lesson.steps) - 1}")
    return index


def evaluate_step(principal: Principal, lesson: Lesson, index: int) -> dict:
    step = lesson.steps[index]
    if step.check is None:
        return {"step": index, "check": None}
    if step.missing_kinds():
        return {"step": index, "check": {"ok": False, "found": 0, "text": "this cluster does "
                                         f"not serve {', '.join(step.missing_kinds())} yet"}}
    namespace = namespace_for(principal, lesson)
    check = json.loads(lesson_actions.substitute(json.dumps(step.check), lesson, namespace))
    return {"step": index, "check": lesson_checks.evaluate(principal, check, namespace)}


def _check(principal: Principal, args: dict) -> dict:
    lesson = _lesson(args["lesson_id"])
    return evaluate_step(principal, lesson, _step_index(lesson, args.get("step", 0)))


def _action(principal: Principal, args: dict) -> dict:
    lesson = _lesson(args["lesson_id"])
    step = lesson.steps[_step_index(lesson, args.get("step"))]
    index = args.get("action")
    every = step.actions or step.solution  # a yourself step's "show me" runs its solution
    if not isinstance(index, int) or not 0 <= index < len(every):
        raise BadRequest("which action?")
    namespace = namespace_for(principal, lesson)
    lesson_actions.ensure_namespace(principal, namespace)
    return lesson_actions.perform(principal, lesson, namespace, every[index])


def _reset(principal: Principal, args: dict) -> dict:
    lesson = _lesson(args["lesson_id"])
    return lesson_actions.reset(principal, lesson, namespace_for(principal, lesson))


def _lead(principal: Principal, args: dict) -> dict:
    """The teacher moves the class; an empty lesson stops leading."""
    if not args.get("lesson"):
        return lesson_follow.stop(principal)
    lesson = _lesson(str(args["lesson"]))
    return lesson_follow.lead(principal, lesson.id, _step_index(lesson, args.get("step")))


check = require_GET(json_endpoint(_check))
action = csrf_protect(require_POST(json_endpoint(_action)))
reset = csrf_protect(require_POST(json_endpoint(_reset)))
follow = require_GET(json_endpoint(lambda p, a: lesson_follow.current()))
lead = csrf_protect(require_POST(json_endpoint(_lead)))

catalogue()  # validate at start: a malformed file is logged as soon as the URLs load
