"""The one wrapper behind the dashboard's small JSON endpoints (buttons, panels, editor,
lessons): cookie login, a JSON object body, and errors as {"error": message} with the
API's status code. An unexpected failure is logged and answered with a readable 500,
never a stack trace in a student's browser."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, JsonResponse

from cluster.auth import Principal
from cluster.errors import ApiError
from dashboard import session

log = logging.getLogger(__name__)

Handler = Callable[[Principal, dict], dict]


def json_endpoint(handler: Handler) -> Callable[..., JsonResponse]:
    """A view calling `handler(principal, args)`: args are the query string, then the
    POSTed JSON object, then the URL's own parameters (which a body cannot override)."""
    def view(request: HttpRequest, **kwargs) -> JsonResponse:
        principal = session.principal_from_request(request)
        if principal is None:
            return JsonResponse({"error": "Log in first."}, status=401)
        try:
            body = json.loads(request.body or b"{}") if request.method == "POST" else {}
        except ValueError:
            return JsonResponse({"error": "the request body is not JSON"}, status=400)
        if not isinstance(body, dict):
            return JsonResponse({"error": "the request body must be a JSON object"}, status=400)
        try:
            return JsonResponse(handler(principal, {**request.GET.dict(), **body, **kwargs}))
        except ApiError as err:
            return JsonResponse({"error": err.message}, status=err.code)
        except ValueError as err:  # a field that is not a number, a malformed lesson, ...
            return JsonResponse({"error": str(err)}, status=400)
        except Exception:
            log.exception("dashboard request failed: %s", request.path)
            return JsonResponse({"error": "the server could not do this; the server log "
                                          "has the details"}, status=500)
    return view
