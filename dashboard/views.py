"""Pages: login, the cluster map, the glossary. Data arrives over the websocket."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST

from dashboard import session
from dashboard.vocabulary import TERMS, as_dict


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    context.setdefault("vocabulary_json", as_dict())  # json_script encodes it
    return render(request, template, context)


@ensure_csrf_cookie
def index(request: HttpRequest) -> HttpResponse:
    principal = session.principal_from_request(request)
    if principal is None:
        return redirect("/login")
    return _page(request, "dashboard/map.html", principal=principal,
                 namespaces=sorted(principal.namespaces))


@csrf_protect
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        secret = (request.POST.get("token") or "").strip()
        if session._principal(secret) is not None:
            response = redirect("/")
            session.remember(response, secret)
            return response
        error = "That token is not known to this cluster."
    return _page(request, "dashboard/login.html", error=error)


@csrf_protect
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    response = redirect("/login")
    session.forget(response)
    return response


def glossary(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboard/glossary.html", terms=TERMS)
