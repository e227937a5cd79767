"""The resource API: one entry point that authenticates, resolves the path and dispatches.

Every handler returns an HttpResponse or raises an ApiError, which becomes a
metav1.Status. Anything unexpected is logged and answered as a 500 Status, so a
client always gets JSON it can print.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from cluster import auth, ratelimit, validation
from cluster.api import handlers, subresources
from cluster.api.http import error_response, parse_body, query_bool, wants_table
from cluster.api.routing import Target, resolve
from cluster.errors import ApiError, BadRequest, MethodNotAllowed, RequestEntityTooLarge, invalid

log = logging.getLogger(__name__)

_VERBS = {
    ("GET", True): "list", ("POST", True): "create", ("DELETE", True): "deletecollection",
    ("GET", False): "get", ("PUT", False): "update", ("PATCH", False): "patch",
    ("DELETE", False): "delete",
}


@dataclass
class ApiRequest:
    """What a handler needs from the HTTP request, already parsed and checked."""

    principal: auth.Principal
    target: Target
    method: str
    params: Any  # QueryDict
    accept: str
    content_type: str
    raw_body: bytes
    # The client's socket under gunicorn, so a long stream (logs -f) can notice that
    # its reader left even while it has nothing to send.
    client_socket: Any = None
    # Warning headers for the response, whether it succeeds or not (fieldValidation=Warn).
    warnings: list[str] = field(default_factory=list)

    @property
    def dry_run(self) -> bool:
        return "All" in self.params.getlist("dryRun")

    @property
    def table(self) -> bool:
        return wants_table(self.accept)

    def body(self) -> Any:
        return parse_body(self.raw_body, self.content_type)

    def strict(self, obj: Any) -> None:
        """Unknown fields: fieldValidation=Strict (newer kubectl's default) makes them an
        error; Warn, and no fieldValidation at all (older kubectl, other clients) as in
        Kubernetes, a Warning header per field; Ignore drops them silently."""
        mode = self.params.get("fieldValidation") or "Warn"
        if mode == "Ignore" or not isinstance(obj, dict):
            return
        causes = validation.unknown_fields(self.target.resource.kind, obj)
        if causes and mode != "Strict":
            self.warnings += [f'unknown field "{c.get("field", "")}"' for c in causes]
        elif causes:
            name = obj.get("metadata", {}).get("name", "") if isinstance(
                obj.get("metadata"), dict) else ""
            raise invalid(self.target.resource.kind, str(name), causes,
                          self.target.resource.group)


@csrf_exempt
def core_api(request: HttpRequest, rest: str) -> HttpResponse:
    return _serve(request, "", "v1", rest)


@csrf_exempt
def group_api(request: HttpRequest, group: str, version: str, rest: str) -> HttpResponse:
    return _serve(request, group, version, rest)


def _legacy_binding(request: HttpRequest, group: str, rest: str) -> str:
    """POST namespaces/NS/bindings (what the Python client's create_namespaced_binding
    sends) is the same as POST namespaces/NS/pods/NAME/binding."""
    parts = rest.strip("/").split("/")
    if group or request.method != "POST" or len(parts) != 3 or parts[0] != "namespaces" \
            or parts[2] != "bindings":
        return rest
    try:
        name = parse_body(request.body, request.content_type or "")["metadata"]["name"]
    except (ApiError, KeyError, TypeError):
        raise BadRequest("a Binding needs metadata.name, the pod to bind") from None
    if not isinstance(name, str) or not name or "/" in name:
        raise BadRequest("a Binding needs metadata.name, the pod to bind")
    return f"namespaces/{parts[1]}/pods/{name}/binding"


def _serve(request: HttpRequest, group: str, version: str, rest: str) -> HttpResponse:
    warnings: list[str] = []
    try:
        response = _dispatch(request, group, version, rest, warnings)
    except ApiError as err:
        response = error_response(err)
    except RecursionError:
        response = error_response(BadRequest("the object is nested too deeply"))
    except Exception:
        log.exception("unexpected error serving %s %s", request.method, request.path)
        err = ApiError("an internal error occurred; the server log has the details")
        response = error_response(err)
    if warnings:
        response["Warning"] = warning_header(warnings)
    return response


# As Kubernetes bounds them: a field name comes from the client and may be huge or not
# ASCII, and a header must stay printable and small (nginx refuses a big one with 502).
WARNING_TEXT_MAX, WARNINGS_MAX_BYTES = 256, 4096


def warning_header(texts: list[str]) -> str:
    """RFC 7234 warnings as Kubernetes sends them: code 299, agent "-", quoted text;
    each text cut to 256 characters, non-ASCII escaped, at most 4 KiB in all."""
    parts: list[str] = []
    size = 0
    for text in dict.fromkeys(texts):
        if len(text) > WARNING_TEXT_MAX:
            text = text[:WARNING_TEXT_MAX - 3] + "..."
        text = text.encode("ascii", "backslashreplace").decode("ascii")
        text = "".join(ch if " " <= ch <= "~" else " " for ch in text)
        part = '299 - "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if size + len(part) + 2 > WARNINGS_MAX_BYTES:
            break
        parts.append(part)
        size += len(part) + 2
    return ", ".join(parts)


def _dispatch(request: HttpRequest, group: str, version: str, rest: str,
              warnings: list[str]) -> HttpResponse:
    principal = auth.authenticate(request.headers.get("Authorization", ""))
    ratelimit.check(principal)
    rest = _legacy_binding(request, group, rest)
    target = resolve(group, version, rest)
    method = request.method or "GET"
    if int(request.headers.get("Content-Length") or 0) > settings.MAX_REQUEST_BYTES:
        raise RequestEntityTooLarge("the request body is larger than 3 MiB")
    req = ApiRequest(principal, target, method, request.GET,
                     request.headers.get("Accept", ""), request.content_type or "",
                     request.body if method in ("POST", "PUT", "PATCH", "DELETE") else b"",
                     request.META.get("gunicorn.socket"), warnings)
    if target.subresource:
        return subresources.serve(req)
    verb = _VERBS.get((method, target.is_collection))
    if verb is None:
        raise MethodNotAllowed(f"the server does not allow this method on the requested "
                               f"resource: {method}")
    if verb == "list" and query_bool(request.GET.get("watch")):
        verb = "watch"
    auth.authorize(principal, verb, target.resource, target.namespace, target.name)
    return handlers.HANDLERS[verb](req)
