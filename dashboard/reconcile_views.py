"""JSON endpoints of the reconcile view and the control-loop switches (CSRF-checked
writes, teacher only; a student gets the readable refusal as a 403)."""
from __future__ import annotations

from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from dashboard import reconcile, reconcile_controls
from dashboard.json_endpoint import json_endpoint

view = require_GET(json_endpoint(
    lambda p, a: reconcile.view(p, a["kind"], a["ns"], a["name"])))

controls = require_GET(json_endpoint(lambda p, a: reconcile_controls.status(p)))

set_controls = csrf_protect(require_POST(json_endpoint(
    lambda p, a: reconcile_controls.set_switches(p, a.get("paused"), a.get("delaySeconds")))))


def _step(principal, args: dict) -> dict:
    kind = args.get("kind") or ""
    # Refuse a student before looking at the workload: the refusal is the news.
    reconcile_controls.require_teacher(principal)
    keys = reconcile.step_workload(principal, kind, args.get("namespace", ""),
                                   args.get("name", "")) if kind else None
    return reconcile_controls.step(principal, keys)


step = csrf_protect(require_POST(json_endpoint(_step)))
