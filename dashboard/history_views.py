"""The history download (for the timeline and the Export button) and the /replay page.

/ui/history takes the dashboard's cookie or, for scripts, an `Authorization: Bearer`
header; either way the history is cut to what that token may see (dashboard/visibility.py).
/replay needs no login, database or socket: it is the map page's markup and code, fed
from a file the user picks (static/dashboard/replay.js).
"""
from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cluster import auth
from cluster.errors import ApiError
from dashboard import history, history_format, session
from dashboard.vocabulary import as_dict


def _principal(request: HttpRequest) -> auth.Principal | None:
    found = session.principal_from_request(request)
    header = request.headers.get("Authorization", "")
    if found is None and header:
        try:
            found = auth.authenticate(header)
        except ApiError:
            return None
    return found


@require_GET
def history_file(request: HttpRequest) -> HttpResponse:
    """?gzip=1 compresses; ?download=1 also names it as a file to save."""
    principal = _principal(request)
    if principal is None:
        return JsonResponse({"error": "Log in first."}, status=401)
    plan = history.read(principal)
    download = request.GET.get("download") == "1"
    compress = download or request.GET.get("gzip") == "1"
    chunks = history_format.encode(plan)
    response = StreamingHttpResponse(
        history_format.gzipped(chunks) if compress else chunks,
        content_type="application/gzip" if compress else "application/x-ndjson")
    response["Cache-Control"] = "no-store"
    response["X-Kubelab-Events"] = str(plan.count)
    if download:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        response["Content-Disposition"] = (
            f'attachment; filename="kubelab-session-{stamp}.jsonl.gz"')
    return response


@require_GET
def replay(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/replay.html", {"vocabulary_json": as_dict()})
