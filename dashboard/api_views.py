"""Small JSON endpoints behind the dashboard's buttons, panels and selector box.

Same cookie login as the pages, CSRF-checked for writes; every store access goes through
actions.py or details.py with the user's own authorization. Errors come back as
{"error": message} with the API's status code.
"""
from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from dashboard import actions, details, node_actions, probe
from dashboard.json_endpoint import json_endpoint
from dashboard.vocabulary import as_dict


def _ok(obj: dict) -> dict:
    return {"ok": True, "resourceVersion": obj.get("metadata", {}).get("resourceVersion")}


@require_GET
def vocabulary(request: HttpRequest) -> JsonResponse:
    return JsonResponse(as_dict())


selector = require_GET(json_endpoint(
    lambda p, a: {"requirements": actions.parse_selector(a.get("q", ""))}))

describe = require_GET(json_endpoint(
    lambda p, a: details.describe(p, a["kind"], "" if a["ns"] == "_" else a["ns"],
                                  a["name"])))

scale = csrf_protect(require_POST(json_endpoint(lambda p, a: _ok(actions.scale(
    p, a.get("kind", ""), a.get("namespace", ""), a.get("name", ""), a.get("replicas"))))))

delete_pod = csrf_protect(require_POST(json_endpoint(lambda p, a: _ok(actions.delete_pod(
    p, a.get("namespace", ""), a.get("name", ""))))))

cordon = csrf_protect(require_POST(json_endpoint(lambda p, a: _ok(actions.cordon(
    p, a.get("name", ""), bool(a.get("unschedulable")))))))

labels = csrf_protect(require_POST(json_endpoint(lambda p, a: _ok(actions.set_labels(
    p, a.get("kind", ""), a.get("namespace", ""), a.get("name", ""), a.get("labels"))))))

drain = csrf_protect(require_POST(json_endpoint(lambda p, a: node_actions.drain(
    p, a.get("name", "")))))

kill_node = csrf_protect(require_POST(json_endpoint(lambda p, a: node_actions.set_killed(
    p, a.get("name", ""), bool(a.get("killed"))))))

restart = csrf_protect(require_POST(json_endpoint(lambda p, a: _ok(actions.restart(
    p, a.get("namespace", ""), a.get("name", ""))))))

set_image = csrf_protect(require_POST(json_endpoint(lambda p, a: _ok(actions.set_image(
    p, a.get("namespace", ""), a.get("name", ""), a.get("container", ""),
    a.get("image", ""))))))

killed = require_GET(json_endpoint(lambda p, a: {"nodes": sorted(node_actions.killed_nodes())}))

send_requests = csrf_protect(require_POST(json_endpoint(lambda p, a: probe.send(
    p, a.get("namespace", ""), a.get("name", ""), a.get("count", probe.MAX_REQUESTS)))))
