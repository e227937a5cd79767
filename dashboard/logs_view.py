"""The details panel's log tail: the API's own pods/log, authenticated by the session cookie.

The browser cannot send the bearer token (the cookie is HttpOnly, on purpose), so this view
relays the request to the API view unchanged but for an Authorization header built from
the cookie. Streaming (`follow=true`), authorization and every error are the API's.
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from cluster.api import views as api_views
from dashboard import session


@require_GET
def pod_log(request: HttpRequest, ns: str, name: str) -> HttpResponse:
    bearer = session.bearer_from_request(request)
    if bearer is None:
        return JsonResponse({"error": "Log in first."}, status=401)
    request.META["HTTP_AUTHORIZATION"] = bearer
    return api_views.core_api(request, f"namespaces/{ns}/pods/{name}/log")
