"""Handlers for the verbs on a resource: list, get, create, update, patch, delete."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse

from cluster import patch as patching
from cluster import store
from cluster.api import render
from cluster.api.http import TABLE_TYPE, object_response, query_int, raw_response
from cluster.errors import BadRequest, Invalid, NotFound, ServiceUnavailable
from cluster.objects import meta
from cluster.selectors import SelectorError, parse_field_selector, parse_label_selector

if TYPE_CHECKING:
    from cluster.api.views import ApiRequest

PATCH_TYPES = {
    "application/merge-patch+json": "merge",
    "application/json-patch+json": "json",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+json": "apply",
}


def selectors(req: ApiRequest):
    try:
        labels = parse_label_selector(req.params.get("labelSelector", ""))
        fields = parse_field_selector(req.params.get("fieldSelector", ""),
                                      req.target.resource.field_selectors)
    except SelectorError as exc:
        raise BadRequest(f"unable to parse requirement: {exc}") from None
    return labels, fields


def list_(req: ApiRequest) -> HttpResponse:
    res = req.target.resource
    labels, fields = selectors(req)
    result = store.list_objects(res.kind, req.target.namespace or None, labels, fields,
                                limit=query_int(req.params, "limit", 0) or 0,
                                continue_token=req.params.get("continue", ""))
    if req.table:
        return raw_response(render.table_body(res, result.items, result.resource_version,
                                              result.continue_token), content_type=TABLE_TYPE)
    return raw_response(render.list_body(res, result.items, result.resource_version,
                                         result.continue_token))


def watch_unavailable(req: ApiRequest) -> HttpResponse:
    # nginx sends watches to the ASGI server; reaching here means the request bypassed it.
    raise ServiceUnavailable("watch is served by the ASGI server behind the front; "
                             "connect through the cluster's main port")


def _body_object(req: ApiRequest) -> dict:
    obj = req.body()
    if not isinstance(obj, dict):
        raise BadRequest("the request body must be an object, not "
                         f"{type(obj).__name__}")
    return obj


def _namespace_into(req: ApiRequest, obj: dict) -> None:
    if not req.target.resource.namespaced:
        return
    m = meta(obj)
    given = m.get("namespace")
    if given not in (None, "") and given != req.target.namespace:
        raise BadRequest("the namespace of the provided object does not match the namespace "
                         "sent on the request")
    m["namespace"] = req.target.namespace


def _check_kind(req: ApiRequest, obj: dict) -> None:
    res = req.target.resource
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if kind not in (None, "") and kind != res.kind:
        raise BadRequest(f"the kind of the body ({kind}) does not match the resource "
                         f"({res.kind})")
    if api_version not in (None, "") and api_version != res.api_version:
        raise BadRequest(f"the apiVersion of the body ({api_version}) does not match the "
                         f"resource ({res.api_version})")


def create(req: ApiRequest) -> HttpResponse:
    obj = _body_object(req)
    _check_kind(req, obj)
    req.strict(obj)
    _namespace_into(req, obj)
    if not meta(obj).get("name") and not meta(obj).get("generateName"):
        raise Invalid(f"{req.target.resource.kind} in version \"{req.target.resource.version}\""
                      " cannot be handled: metadata.name or metadata.generateName is required",
                      causes=[{"reason": "FieldValueRequired", "message": "Required value: "
                               "name or generateName is required", "field": "metadata.name"}])
    created = store.create(req.target.resource.kind, obj, dry_run=req.dry_run)
    return object_response(created, 201)


def get(req: ApiRequest) -> HttpResponse:
    t = req.target
    raw = store.get_raw(t.resource.kind, t.namespace, t.name)
    if req.table:
        obj = json.loads(raw)
        return raw_response(json.dumps(render.table(t.resource, [obj],
                                                    obj["metadata"]["resourceVersion"])),
                            content_type=TABLE_TYPE)
    return raw_response(raw)


def update(req: ApiRequest, subresource: str = "") -> HttpResponse:
    obj = _body_object(req)
    _check_kind(req, obj)
    req.strict(obj)
    _namespace_into(req, obj)
    t = req.target
    if meta(obj).get("name") not in (None, t.name):
        raise BadRequest(f"the name of the object ({meta(obj).get('name')}) does not match the "
                         f"name on the URL ({t.name})")
    meta(obj)["name"] = t.name
    return object_response(store.update(t.resource.kind, obj, subresource=subresource,
                                        dry_run=req.dry_run))


def apply_patch(req: ApiRequest, current: dict, body: Any, how: str) -> dict:
    kind = req.target.resource.kind
    try:
        if how == "merge":
            return patching.apply_merge_patch(current, body)
        if how == "json":
            return patching.apply_json_patch(current, body)
        return patching.apply_strategic_merge_patch(current, body, kind)
    except patching.PatchError as exc:
        raise Invalid(str(exc), causes=[{"reason": "FieldValueInvalid", "message": str(exc),
                                         "field": ""}]) from None


def patch_kind(req: ApiRequest) -> str:
    ctype = req.content_type.split(";")[0].strip().lower()
    how = PATCH_TYPES.get(ctype)
    if how is None:
        from cluster.errors import UnsupportedMediaType
        raise UnsupportedMediaType(f"the body of the request was in an unknown format - "
                                   f"accepted media types include: {', '.join(PATCH_TYPES)}")
    return how


def patch(req: ApiRequest, subresource: str = "") -> HttpResponse:
    t = req.target
    how = patch_kind(req)
    body = req.body()
    if how in ("merge", "strategic", "apply") and not isinstance(body, dict):
        raise BadRequest("a merge patch must be a JSON object")

    def change(current: dict) -> dict:
        patched = apply_patch(req, current, body, "strategic" if how == "apply" else how)
        if not isinstance(patched, dict):
            raise BadRequest("the patch did not produce an object")
        req.strict(patched)  # unknown fields are caught whichever patch type brought them
        return patched

    create_missing = None
    if how == "apply" and not subresource:
        def create_missing() -> dict:
            _check_kind(req, body)
            req.strict(body)
            _namespace_into(req, body)
            meta(body)["name"] = t.name
            return body
    result = store.mutate(t.resource.kind, t.namespace, t.name, change,
                          subresource=subresource, dry_run=req.dry_run, check_rv=True,
                          create_missing=create_missing)
    return object_response(result)


def _delete_options(req: ApiRequest) -> dict:
    opts: dict = {}
    if req.raw_body.strip():
        body = req.body()
        if not isinstance(body, dict):
            raise BadRequest("DeleteOptions must be an object")
        opts = body
    for key in ("propagationPolicy", "gracePeriodSeconds"):
        if req.params.get(key) not in (None, ""):
            opts[key] = req.params.get(key)
    if opts.get("propagationPolicy") not in (None, "", "Orphan", "Background", "Foreground"):
        raise BadRequest(f"propagationPolicy must be Orphan, Background or Foreground, got "
                         f"{opts.get('propagationPolicy')!r}")
    grace = opts.get("gracePeriodSeconds")
    if grace is not None:
        try:
            opts["gracePeriodSeconds"] = int(grace)
        except (TypeError, ValueError):
            raise BadRequest("gracePeriodSeconds must be an integer") from None
    if opts.get("orphanDependents") is True and not opts.get("propagationPolicy"):
        opts["propagationPolicy"] = "Orphan"
    return opts


def delete(req: ApiRequest) -> HttpResponse:
    t = req.target
    opts = _delete_options(req)
    pre = opts.get("preconditions") if isinstance(opts.get("preconditions"), dict) else {}
    dry_run = req.dry_run or "All" in (opts.get("dryRun") or [])
    obj, gone = store.delete(t.resource.kind, t.namespace, t.name,
                             propagation=opts.get("propagationPolicy") or "",
                             grace_seconds=opts.get("gracePeriodSeconds"),
                             precondition_uid=str(pre.get("uid") or ""),
                             precondition_rv=str(pre.get("resourceVersion") or ""),
                             dry_run=dry_run)
    if not gone or opts.get("propagationPolicy") != "Orphan":
        _sweep_soon()
    # As kube-apiserver: 200 even when deletion is still pending (a pod's grace period,
    # finalizers); 202 only for a pending deletion asked with orphanDependents=false.
    accepted = not gone and opts.get("orphanDependents") is False
    return object_response(obj, 202 if accepted else 200)


def _sweep_soon() -> None:
    """Finish pending deletions and cascades now rather than at the next periodic sweep."""
    from django.db import transaction

    from cluster.tasks import sweep_deletions
    transaction.on_commit(lambda: sweep_deletions.apply_async(ignore_result=True))


def deletecollection(req: ApiRequest) -> HttpResponse:
    res = req.target.resource
    labels, fields = selectors(req)
    opts = _delete_options(req)
    result = store.list_objects(res.kind, req.target.namespace or None, labels, fields)
    deleted = []
    for raw in result.items:
        m = json.loads(raw)["metadata"]
        try:
            obj, _ = store.delete(res.kind, m.get("namespace", ""), m["name"],
                                  propagation=opts.get("propagationPolicy") or "",
                                  grace_seconds=opts.get("gracePeriodSeconds"),
                                  dry_run=req.dry_run)
        except NotFound:
            continue
        deleted.append(json.dumps(obj))
    return raw_response(render.list_body(res, deleted, store.current_revision()))


HANDLERS = {
    "list": list_, "watch": watch_unavailable, "create": create, "get": get,
    "update": update, "patch": patch, "delete": delete, "deletecollection": deletecollection,
}
