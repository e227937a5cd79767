"""Subresources: status, scale, binding, log, exec, and a namespace's finalize."""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django.http import HttpResponse, StreamingHttpResponse

from cluster import admission, auth, store
from cluster.api import handlers
from cluster.api.http import object_response, query_bool, query_int
from cluster.errors import BadRequest, Conflict, MethodNotAllowed
from cluster.objects import meta
from cluster.selectors import label_selector_from_dict

if TYPE_CHECKING:
    from cluster.api.views import ApiRequest

_VERB = {"GET": "get", "PUT": "update", "PATCH": "patch", "POST": "create"}


def serve(req: ApiRequest) -> HttpResponse:
    t = req.target
    verb = _VERB.get(req.method)
    if verb is None:
        raise MethodNotAllowed(f"the server does not allow this method on the requested "
                               f"resource: {req.method}")
    auth.authorize(req.principal, verb, t.resource, t.namespace, t.name)
    key = (t.subresource, req.method)
    if t.subresource == "status":
        if req.method == "GET":
            return handlers.get(req)
        if req.method == "PUT":
            return handlers.update(req, subresource="status")
        if req.method == "PATCH":
            return handlers.patch(req, subresource="status")
    if t.subresource == "scale":
        return _scale(req)
    if key == ("binding", "POST"):
        return _bind(req)
    if key == ("finalize", "PUT"):
        return handlers.update(req)
    if key == ("log", "GET"):
        return _log(req)
    if t.subresource == "exec":
        # kubectl before 1.29 asks for SPDY streams, which kubelab does not serve.
        raise BadRequest("exec needs a websocket upgrade (v5.channel.k8s.io), as kubectl "
                         "1.29 and newer send; older kubectl's SPDY streams are not served "
                         "here: use a newer kubectl or the dashboard's terminal")
    raise MethodNotAllowed(f"the server does not allow this method on the requested "
                           f"resource: {req.method}")


def scale_of(obj: dict) -> dict:
    """The autoscaling/v1 Scale view of a Deployment or ReplicaSet."""
    m = obj["metadata"]
    selector = label_selector_from_dict((obj.get("spec") or {}).get("selector"))
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {k: m[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                        "creationTimestamp") if k in m},
        "spec": {"replicas": int((obj.get("spec") or {}).get("replicas", 0) or 0)},
        "status": {"replicas": int((obj.get("status") or {}).get("replicas", 0) or 0),
                   "selector": str(selector)},
    }


def _scale(req: ApiRequest) -> HttpResponse:
    t = req.target
    kind = t.resource.kind
    if req.method == "GET":
        return object_response(scale_of(store.get(kind, t.namespace, t.name)))
    if req.method not in ("PUT", "PATCH"):
        raise MethodNotAllowed(f"the server does not allow this method on scale: {req.method}")
    how = handlers.patch_kind(req) if req.method == "PATCH" else "replace"
    body = req.body()

    def change(current: dict) -> dict:
        scale = scale_of(current)
        if how == "replace":
            if not isinstance(body, dict):
                raise BadRequest("a Scale must be an object")
            wanted = body
        else:
            # `kubectl scale` sends merge patches; the Python client strategic ones.
            wanted = handlers.apply_patch(req, scale, body,
                                          "json" if how == "json" else "merge")
        rv = (wanted.get("metadata") or {}).get("resourceVersion")
        if rv not in (None, "") and str(rv) != current["metadata"]["resourceVersion"]:
            raise Conflict(f'Operation cannot be fulfilled on {t.resource.plural} "{t.name}": '
                           "the object has been modified; please apply your changes to the "
                           "latest version and try again", kind=t.resource.plural, name=t.name)
        replicas = (wanted.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            raise handlers.Invalid(
                f'Scale.autoscaling "{t.name}" is invalid: spec.replicas: Invalid value: '
                f"{replicas!r}: must be greater than or equal to 0",
                causes=[{"reason": "FieldValueInvalid", "field": "spec.replicas",
                         "message": f"Invalid value: {replicas!r}: must be greater than or "
                                    "equal to 0"}])
        updated = copy.deepcopy(current)
        updated.setdefault("spec", {})["replicas"] = replicas
        return updated

    result = store.mutate(kind, t.namespace, t.name, change, dry_run=req.dry_run)
    return object_response(scale_of(result))


def _bind(req: ApiRequest) -> HttpResponse:
    """pods/binding: set spec.nodeName once; a pod already bound gets 409."""
    t = req.target
    body = req.body()
    target = body.get("target") if isinstance(body, dict) else None
    node = target.get("name") if isinstance(target, dict) else None
    if not isinstance(node, str) or not node:
        raise handlers.Invalid("Binding is invalid: target.name: Required value", causes=[
            {"reason": "FieldValueRequired", "message": "Required value",
             "field": "target.name"}])

    def change(pod: dict) -> dict:
        current = (pod.get("spec") or {}).get("nodeName")
        if current:
            raise Conflict(f'Operation cannot be fulfilled on pods/binding "{t.name}": pod '
                           f"{t.name} is already assigned to node \"{current}\"",
                           kind="pods/binding", name=t.name)
        if meta(pod).get("deletionTimestamp"):
            raise Conflict(f"pod {t.name} is being deleted, cannot be assigned to a host",
                           kind="pods/binding", name=t.name)
        return admission.bind_pod(pod, node)

    store.mutate("Pod", t.namespace, t.name, change, subresource="binding")
    return object_response({"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Success", "code": 201}, 201)


def _log(req: ApiRequest) -> HttpResponse:
    """pods/log from the local Docker engine; `follow=true` streams until the container
    stops (gunicorn's threads stream it, nginx does not buffer it)."""
    from cluster.kubelet import logs

    t = req.target
    opts = logs.LogOptions(
        container=req.params.get("container", ""),
        tail_lines=query_int(req.params, "tailLines"),
        follow=query_bool(req.params.get("follow")),
        timestamps=query_bool(req.params.get("timestamps")),
        previous=query_bool(req.params.get("previous")),
        since_seconds=query_int(req.params, "sinceSeconds"),
        limit_bytes=query_int(req.params, "limitBytes"))
    chunks = logs.open_logs(t.namespace, t.name, opts, client_socket=req.client_socket)
    if not opts.follow:
        return HttpResponse(b"".join(chunks), content_type="text/plain")
    response = StreamingHttpResponse(chunks, content_type="text/plain")
    response["X-Accel-Buffering"] = "no"
    response["Cache-Control"] = "no-cache"
    return response
