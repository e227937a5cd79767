"""The presenter view (/present): the followed step in large type, the join link and its QR.

No admin chrome: the page is for a projector. The QR code is drawn here with segno (pure
Python, offline) as inline SVG. The join link is the cluster's own /join page, built
from the address the teacher's browser used, which is the one students can reach.
"""
from __future__ import annotations

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from dashboard import session
from dashboard.lesson_model import catalogue
from dashboard.vocabulary import as_dict

JOIN_PATH = "/join"


def join_link(request: HttpRequest) -> str:
    code = request.GET.get("code", "").strip()
    link = request.build_absolute_uri(JOIN_PATH)
    return f"{link}?code={code}" if code.isalnum() else link


def qr_svg(text: str) -> str:
    """An SVG QR code (dark on light, as phone cameras expect), sized by the page's CSS."""
    return segno.make(text, error="m").svg_inline(scale=1, border=2, dark="#000",
                                                  light="#fff", omitsize=True)


@ensure_csrf_cookie
@require_GET
def present(request: HttpRequest) -> HttpResponse:
    principal = session.principal_from_request(request)
    if principal is None:
        return redirect("/login")
    link = join_link(request)
    lessons = {lesson.id: lesson.public() for lesson in catalogue().ordered()}
    return render(request, "dashboard/present.html", {
        "principal": principal, "join_link": link, "qr": qr_svg(link),
        "lessons_json": lessons, "vocabulary_json": as_dict()})
