"""The teacher's class page (/class), joining by code (/join) and kubeconfig downloads.

The teacher is whoever holds an admin token; everything under /class answers 403 to
anyone else. A student joins with the code the teacher shows: the code logs the browser
in with that student's token (the same signed cookie as /login), so the map and the
editor show only the student's namespace. Plain forms, posted with CSRF tokens.
"""
from __future__ import annotations

import json
import logging

import redis
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cluster import classroom
from cluster.errors import ApiError
from cluster.events import redis_client
from cluster.models import Classroom, ResourceQuota, Student
from dashboard import session
from dashboard.vocabulary import as_dict

log = logging.getLogger(__name__)


def _page(request: HttpRequest, template: str, status: int = 200, **context) -> HttpResponse:
    context.setdefault("vocabulary_json", as_dict())
    return render(request, template, context, status=status)


def _teacher(request: HttpRequest) -> HttpResponse | None:
    """None for an admin; otherwise the answer to send instead (log in, or 403)."""
    principal = session.principal_from_request(request)
    if principal is None:
        return redirect("/login")
    if not principal.is_admin:
        return _page(request, "dashboard/class.html", status=403, principal=principal,
                     forbidden=True)
    return None


def _usage(namespaces: list[str]) -> dict[str, dict]:
    """Each student quota's status, by namespace (one query for the whole class)."""
    rows = ResourceQuota.objects.filter(namespace__in=namespaces,
                                        name=classroom.QUOTA_NAME).values_list("namespace",
                                                                               "body")
    out = {}
    for ns, body in rows:
        status = json.loads(body).get("status") or {}
        used, hard = status.get("used") or {}, status.get("hard") or {}
        out[ns] = {r: f"{used.get(r, '0')}/{hard[r]}" for r in sorted(hard)}
    return out


@ensure_csrf_cookie
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    refused = _teacher(request)
    if refused is not None:
        return refused
    return _class_page(request)


def _class_page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    classes = list(Classroom.objects.order_by("name").prefetch_related("students"))
    usage = _usage([s.namespace for c in classes for s in c.students.all()])
    rows = [{"name": c.name,
             "students": [{"student": s, "usage": usage.get(s.namespace, {})}
                          for s in c.students.all()]} for c in classes]
    return _page(request, "dashboard/class.html", status=status,
                 principal=session.principal_from_request(request), classes=rows,
                 error=error, defaults=classroom.Allowance())


@csrf_protect
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    refused = _teacher(request)
    if refused is not None:
        return refused
    try:
        count = int(request.POST.get("students") or 0)
        pods = int(request.POST.get("pods") or classroom.Allowance().pods)
    except ValueError:
        return _class_page(request, "The number of students and pods must be whole numbers.",
                           400)
    defaults = classroom.Allowance()
    allowance = classroom.Allowance(pods=pods,
                                    cpu=request.POST.get("cpu") or defaults.cpu,
                                    memory=request.POST.get("memory") or defaults.memory)
    try:
        classroom.create_class((request.POST.get("name") or "").strip(), count, allowance)
    except ApiError as err:
        return _class_page(request, err.message, err.code)
    return redirect("/class")


@csrf_protect
@require_POST
def reset(request: HttpRequest) -> HttpResponse:
    """Reset one student's namespace (`student`) or every student's (`class`)."""
    refused = _teacher(request)
    if refused is not None:
        return refused
    if request.POST.get("student"):
        student = Student.objects.filter(name=request.POST["student"]).first()
        if student is None:
            return _class_page(request, "No such student.", 404)
        classroom.reset_namespace(student.namespace)
    else:
        found = Classroom.objects.filter(name=request.POST.get("class", "")).first()
        if found is None:
            return _class_page(request, "No such class.", 404)
        classroom.reset_class(found)
    return redirect("/class")


def _kubeconfig_response(name: str, secret: str, namespace: str,
                         request: HttpRequest) -> HttpResponse:
    text = classroom.kubeconfig_text(name, secret, namespace, request.get_host().split(":")[0])
    response = HttpResponse(text, content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="{name}.kubeconfig"'
    response["Cache-Control"] = "no-store"  # it holds a token
    return response


@require_GET
def student_kubeconfig(request: HttpRequest, student: str) -> HttpResponse:
    refused = _teacher(request)
    if refused is not None:
        return refused
    found = Student.objects.filter(name=student).first()
    if found is None:
        return HttpResponse("no such student\n", status=404, content_type="text/plain")
    return _kubeconfig_response(found.name, found.secret, found.namespace, request)


@require_GET
def my_kubeconfig(request: HttpRequest) -> HttpResponse:
    principal = session.principal_from_request(request)
    bearer = session.bearer_from_request(request)
    if principal is None or bearer is None:
        return redirect("/login")
    namespace = sorted(principal.namespaces)[0] if principal.namespaces else "default"
    return _kubeconfig_response(principal.name, bearer.split(" ", 1)[1], namespace, request)


@ensure_csrf_cookie
@csrf_protect
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    error = ""
    code = (request.GET.get("code") or "").strip()
    if request.method == "POST":
        code = (request.POST.get("code") or "").strip()
        if _too_many_failures(request):
            return _page(request, "dashboard/join.html", status=429, code=code,
                         error="Too many wrong codes from here; wait a minute and try again.")
        student = classroom.find_by_code(code)
        if student is not None:
            log.info("student %s joined by code", student.name)
            response = redirect("/")
            session.remember(response, student.secret)
            return response
        _count_failure(request)
        error = "That code is not known. Check it with your teacher."
    return _page(request, "dashboard/join.html", error=error, code=code)


# Wrong codes allowed per client address and minute. A whole class may share one address
# (a school's NAT), so it is generous for typing mistakes and still makes guessing one of
# thirty codes out of 887 million a matter of years.
FAILURES_PER_MINUTE = 60


def _client(request: HttpRequest) -> str:
    # nginx appends the peer's address last to X-Forwarded-For; earlier entries are the
    # client's own claims.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR", "")


def _failures_key(request: HttpRequest) -> str:
    return f"kubelab:join:failures:{_client(request)}"


def _too_many_failures(request: HttpRequest) -> bool:
    try:
        return int(redis_client().get(_failures_key(request)) or 0) >= FAILURES_PER_MINUTE
    except redis.RedisError:
        return False  # the throttle is a nicety; joining must not depend on it


def _count_failure(request: HttpRequest) -> None:
    try:
        r, key = redis_client(), _failures_key(request)
        if r.incr(key) == 1:
            r.expire(key, 60)  # the minute starts at the first wrong code
    except redis.RedisError:
        pass
