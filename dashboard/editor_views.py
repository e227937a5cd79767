"""The manifest editor: its page and the JSON endpoints behind it (/ui/editor/...).

Same cookie login and CSRF rules as the other /ui/ endpoints. Every failure a student
can cause comes back as a readable message; an unexpected one is logged and answered
with a short apology, never a traceback.
"""
from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from cluster.auth import Principal
from dashboard import editor_gallery, editor_ops, editor_plan, session
from dashboard.json_endpoint import json_endpoint
from dashboard.vocabulary import as_dict


@ensure_csrf_cookie
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    principal = session.principal_from_request(request)
    if principal is None:
        return redirect("/login")
    return render(request, "dashboard/editor.html", {
        "principal": principal, "namespaces": sorted(principal.namespaces),
        "gallery": list(editor_gallery.examples()),
        "default_namespace": editor_plan.default_namespace(principal, ""),
        "vocabulary_json": as_dict(),  # base.html embeds it for the vocabulary switch
    })




def _text_op(op: Callable[..., dict]) -> Callable[[Principal, dict], dict]:
    def handler(principal: Principal, args: dict) -> dict:
        return op(principal, args.get("text", ""), str(args.get("namespace") or ""),
                  args.get("vocabulary") == "borg")
    return handler


check = csrf_protect(require_POST(json_endpoint(_text_op(editor_ops.check))))
diff = csrf_protect(require_POST(json_endpoint(_text_op(editor_ops.diff))))
apply = csrf_protect(require_POST(json_endpoint(_text_op(editor_ops.apply))))
delete = csrf_protect(require_POST(json_endpoint(_text_op(editor_ops.delete))))
live = require_GET(json_endpoint(lambda p, a: editor_ops.live_manifest(
    p, a.get("kind", ""), a.get("namespace", ""), a.get("name", ""))))
