"""Small JSON endpoints behind the dashboard's buttons, panels and selector box.

Same cookie login as the pages, CSRF-checked for writes; every store access goes through
actions.py or details.py with the user's own authorization. Errors come back as
{"error": message} with the API's status code.
"""
from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from cluster.auth import Principal
from cluster.errors import ApiError, BadRequest
from dashboard import actions, details, node_actions, probe, session
from dashboard.vocabulary import as_dict


def _json_view(handler: Callable[[Principal, dict], dict]):
    def view(request: HttpRequest, **kwargs) -> JsonResponse:
        principal = session.principal_from_request(request)
        if principal is None:
            return JsonResponse({"error": "Log in first."}, status=401)
        try:
            body = json.loads(request.body or b"{}") if request.method == "POST" else {}
            if not isinstance(body, dict):
                raise BadRequest("the request body must be a JSON object")
            return JsonResponse(handler(principal, {**request.GET.dict(), **body, **kwargs}))
        except ValueError:
            return JsonResponse({"error": "the request body is not JSON"}, status=400)
        except ApiError as err:
            return JsonResponse({"error": err.message}, status=err.code)
    return view


def _ok(obj: dict) -> dict:
    return {"ok": True, "resourceVersion": obj.get("metadata", {}).get("resourceVersion")}


@require_GET
def vocabulary(request: HttpRequest) -> JsonResponse:
    return JsonResponse(as_dict())


selector = require_GET(_json_view(
    lambda p, a: {"requirements": actions.parse_selector(a.get("q", ""))}))

describe = require_GET(_json_view(
    lambda p, a: details.describe(p, a["kind"], "" if a["ns"] == "_" else a["ns"],
                                  a["name"])))

scale = csrf_protect(require_POST(_json_view(lambda p, a: _ok(actions.scale(
    p, a.get("kind", ""), a.get("namespace", ""), a.get("name", ""), a.get("replicas"))))))

delete_pod = csrf_protect(require_POST(_json_view(lambda p, a: _ok(actions.delete_pod(
    p, a.get("namespace", ""), a.get("name", ""))))))

cordon = csrf_protect(require_POST(_json_view(lambda p, a: _ok(actions.cordon(
    p, a.get("name", ""), bool(a.get("unschedulable")))))))

labels = csrf_protect(require_POST(_json_view(lambda p, a: _ok(actions.set_labels(
    p, a.get("kind", ""), a.get("namespace", ""), a.get("name", ""), a.get("labels"))))))

drain = csrf_protect(require_POST(_json_view(lambda p, a: node_actions.drain(
    p, a.get("name", "")))))

kill_node = csrf_protect(require_POST(_json_view(lambda p, a: node_actions.set_killed(
    p, a.get("name", ""), bool(a.get("killed"))))))

restart = csrf_protect(require_POST(_json_view(lambda p, a: _ok(actions.restart(
    p, a.get("namespace", ""), a.get("name", ""))))))

set_image = csrf_protect(require_POST(_json_view(lambda p, a: _ok(actions.set_image(
    p, a.get("namespace", ""), a.get("name", ""), a.get("container", ""),
    a.get("image", ""))))))

killed = require_GET(_json_view(lambda p, a: {"nodes": sorted(node_actions.killed_nodes())}))

send_requests = csrf_protect(require_POST(_json_view(lambda p, a: probe.send(
    p, a.get("namespace", ""), a.get("name", ""), a.get("count", probe.MAX_REQUESTS)))))
