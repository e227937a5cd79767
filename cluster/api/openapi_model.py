"""What the OpenAPI documents say, from the resource registry (cluster/resources.py): every
path and operation each kind serves, with its parameters, bodies and answers, and the
schemas; cluster/api/openapi_json.py writes it out as OpenAPI 3.0 and Swagger 2.0.

The schemas are honest but loose: every object has apiVersion, kind and metadata (name,
labels, annotations, ...), spec and status are objects, and every object accepts fields
beyond these (the server validates each write itself and answers 422 with the causes).

Two things are left out on purpose, because kubectl reads this document to decide how to
patch (kubectl's apply, patcher.go):
- no schema in components carries x-kubernetes-group-version-kind, so kubectl never
  finds a (loose) schema for a kind and keeps using its built-in types, whose patch merge
  keys it needs to compute strategic-merge patches;
- the patch operation of the v3 documents, which carries the kind's GVK and the
  fieldValidation parameter kubectl looks for, lists no strategic-merge-patch body: with
  one, kubectl would compute the patch from this document instead of its built-in types.
  The server accepts that content type all the same; the v2 JSON document lists it.
exec is not described: it is a websocket upgrade, not a request with one response."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cluster.resources import RESOURCES, Resource, Subresource

TITLE, VERSION = "Kubernetes (kubelab)", "v1.32.0"

# Kinds whose objects have no spec (their payload is top-level: data, subsets, value, ...).
NO_SPEC = {"Event", "Endpoints", "ConfigMap", "PriorityClass"}

ERROR_CODES = {"400": "the request is malformed", "401": "no valid token",
               "403": "the token may not do this", "404": "no such object or path",
               "405": "method not served here", "406": "no acceptable representation",
               "409": "already exists, or changed since it was read",
               "410": "resourceVersion too old", "413": "body over 3 MiB",
               "414": "request line over 4 KiB", "415": "body type not accepted",
               "422": "the object is invalid", "429": "too many requests"}
# Answered by the front servers (nginx, gunicorn) before the API sees the request: an HTML
# page, not a Status (413: also the API itself, for a body it reads). code -> JSON too?
FRONT_CODES = {"413": True, "414": False}

JSON_TYPES = ["application/json", "application/yaml"]
PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json",
               "application/apply-patch+yaml"]
SMP = "application/strategic-merge-patch+json"


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "string", "integer", "boolean"
    where: str = "query"
    enum: tuple[str, ...] = ()
    description: str = ""


@dataclass
class Operation:
    method: str
    op_id: str
    action: str  # x-kubernetes-action: list, watch, post, get, put, patch, delete, ...
    resource: Resource
    params: list[Param] = field(default_factory=list)
    body: str | None = None  # a schema name in components, or "object"
    body_types: list[str] = field(default_factory=list)
    responses: dict[str, str] = field(default_factory=dict)  # code -> schema name
    text_response: bool = False  # pods/log answers text/plain
    kind: str = ""  # the GVK's kind on this operation, when not the resource's own


WRITE = [Param("dryRun", "string", enum=("All",)), Param("fieldManager", "string"),
         Param("fieldValidation", "string", enum=("Ignore", "Warn", "Strict"))]
LIST = [Param("labelSelector", "string"), Param("fieldSelector", "string"),
        Param("limit", "integer"), Param("continue", "string"),
        Param("resourceVersion", "string"),
        Param("watch", "boolean", description="stream changes instead of listing"),
        Param("allowWatchBookmarks", "boolean"), Param("timeoutSeconds", "integer")]
DELETE = [Param("gracePeriodSeconds", "integer"), Param("dryRun", "string", enum=("All",)),
          Param("propagationPolicy", "string", enum=("Orphan", "Background", "Foreground"))]
LOG = [Param("container", "string"), Param("tailLines", "integer"),
       Param("timestamps", "boolean"), Param("previous", "boolean"),
       Param("sinceSeconds", "integer"), Param("limitBytes", "integer"),
       Param("follow", "boolean")]


def schema_name(res: Resource) -> str:
    return f"{res.api_version.replace('/', '.')}.{res.kind}"


def _paths(res: Resource) -> tuple[str, str, str | None]:
    """(collection, item, all-namespaces collection or None) for one resource."""
    base = res.group_version_path
    if res.namespaced:
        coll = f"{base}/namespaces/{{namespace}}/{res.plural}"
        return coll, coll + "/{name}", f"{base}/{res.plural}"
    return f"{base}/{res.plural}", f"{base}/{res.plural}/{{name}}", None


def _sub_operations(res: Resource, sub: Subresource) -> list[Operation]:
    name = schema_name(res)
    tag = f"{res.kind}{sub.name.capitalize()}"
    if sub.name in ("status", "scale"):
        body = "autoscaling.v1.Scale" if sub.name == "scale" else name
        ok = {"200": body}
        return [Operation("get", f"read{tag}", "get", res, [], responses=ok, kind=sub.kind),
                Operation("put", f"replace{tag}", "put", res, list(WRITE), body, JSON_TYPES,
                          {"200": body, "201": body}, kind=sub.kind),
                Operation("patch", f"patch{tag}", "patch", res,
                          [*WRITE, Param("force", "boolean")], "object", PATCH_TYPES,
                          {"200": body, "201": body}, kind=sub.kind)]
    if sub.name == "binding":
        return [Operation("post", f"create{tag}", "post", res, list(WRITE), "v1.Binding",
                          JSON_TYPES, {"200": "v1.Status", "201": "v1.Status"},
                          kind="Binding")]
    if sub.name == "log":
        return [Operation("get", f"read{tag}", "get", res, list(LOG), text_response=True,
                          responses={"200": "string"}, kind=res.kind)]
    return []  # exec: a websocket upgrade (see the module's docstring)


@dataclass
class PathItem:
    path: str
    params: list[Param]
    operations: list[Operation]


def path_items(res: Resource) -> list[PathItem]:
    """Every path one resource serves, with its operations."""
    name = schema_name(res)
    coll, item, every = _paths(res)
    ns = [Param("namespace", "string", "path")] if res.namespaced else []
    named = [*ns, Param("name", "string", "path")]
    kind = res.kind
    items = [
        PathItem(coll, ns, [
            Operation("get", f"list{kind}", "list", res, list(LIST),
                      responses={"200": f"{name}List"}),
            Operation("post", f"create{kind}", "post", res, list(WRITE), name, JSON_TYPES,
                      {"200": name, "201": name, "202": name}),
            Operation("delete", f"deleteCollection{kind}", "deletecollection", res,
                      [*LIST[:5], *DELETE], responses={"200": f"{name}List"})]),
        PathItem(item, named, [
            Operation("get", f"read{kind}", "get", res, [], responses={"200": name}),
            Operation("put", f"replace{kind}", "put", res, list(WRITE), name, JSON_TYPES,
                      {"200": name, "201": name}),
            Operation("patch", f"patch{kind}", "patch", res,
                      [*WRITE, Param("force", "boolean")], "object", PATCH_TYPES,
                      {"200": name, "201": name}),
            Operation("delete", f"delete{kind}", "delete", res, list(DELETE),
                      "v1.DeleteOptions", ["application/json"],
                      {"200": f"{name}OrStatus", "202": f"{name}OrStatus"})]),
    ]
    if every:
        items.append(PathItem(every, [], [
            Operation("get", f"list{kind}ForAllNamespaces", "list", res, list(LIST),
                      responses={"200": f"{name}List"})]))
    for sub in res.subresources:
        ops = _sub_operations(res, sub)
        if ops:
            items.append(PathItem(f"{item}/{sub.name}", named, ops))
    if kind == "Namespace":
        items.append(PathItem(f"{item}/finalize", named, [
            Operation("put", "replaceNamespaceFinalize", "put", res, list(WRITE), name,
                      JSON_TYPES, {"200": name, "201": name})]))
    return items


# --- schemas -------------------------------------------------------------------------
def _string_map() -> dict:
    return {"type": "object", "additionalProperties": {"type": "string"}}


OBJECT_META = {
    "type": "object", "additionalProperties": True,
    "properties": {"name": {"type": "string"}, "generateName": {"type": "string"},
                   "namespace": {"type": "string"}, "labels": _string_map(),
                   "annotations": _string_map(), "resourceVersion": {"type": "string"},
                   "uid": {"type": "string"}, "generation": {"type": "integer"},
                   "finalizers": {"type": "array", "items": {"type": "string"}},
                   "creationTimestamp": {"type": "string"},
                   "deletionTimestamp": {"type": "string"}}}
LIST_META = {"type": "object", "additionalProperties": True,
             "properties": {"resourceVersion": {"type": "string"},
                            "continue": {"type": "string"},
                            "remainingItemCount": {"type": "integer"}}}
STATUS = {"type": "object", "additionalProperties": True, "required": ["kind", "status"],
          "properties": {"kind": {"type": "string"}, "apiVersion": {"type": "string"},
                         "metadata": {"type": "object"}, "status": {"type": "string"},
                         "message": {"type": "string"}, "reason": {"type": "string"},
                         "details": {"type": "object"}, "code": {"type": "integer"}}}


def _object(meta_ref: str, extra: dict[str, Any] | None = None,
            required: tuple[str, ...] = ()) -> dict:
    props = {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
             "metadata": {"$ref": meta_ref}, **(extra or {})}
    out: dict[str, Any] = {"type": "object", "additionalProperties": True,
                           "properties": props}
    if required:
        out["required"] = list(required)
    return out


def schemas(ref: str) -> dict[str, dict]:
    """Every schema, refs written with `ref` ("#/components/schemas/" or "#/definitions/")."""
    meta = ref + "v1.ObjectMeta"
    out: dict[str, dict] = {"v1.ObjectMeta": OBJECT_META, "v1.ListMeta": LIST_META,
                            "v1.Status": STATUS,
                            "v1.DeleteOptions": {"type": "object", "additionalProperties": True},
                            "v1.Binding": _object(meta, {"target": {"type": "object"}}),
                            "autoscaling.v1.Scale": _object(meta, {
                                "spec": {"type": "object",
                                         "properties": {"replicas": {"type": "integer"}}},
                                "status": {"type": "object"}})}
    for res in RESOURCES:
        name = schema_name(res)
        extra: dict[str, Any] = {}
        if res.kind not in NO_SPEC:
            extra["spec"] = {"type": "object"}
        if res.has_status:
            extra["status"] = {"type": "object"}
        out[name] = _object(meta, extra)
        # What the server answers always has these three (a request may leave kind and
        # apiVersion out: the path says which kind it is).
        out[f"{name}Response"] = {"allOf": [{"$ref": ref + name}],
                                  "required": ["apiVersion", "kind", "metadata"]}
        out[f"{name}OrStatus"] = {"anyOf": [{"$ref": ref + f"{name}Response"},
                                            {"$ref": ref + "v1.Status"}]}
        out[f"{name}List"] = {
            "type": "object", "additionalProperties": True,
            "required": ["kind", "apiVersion", "metadata", "items"],
            "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                           "metadata": {"$ref": ref + "v1.ListMeta"},
                           "items": {"type": "array", "items": {"$ref": ref + name}}}}
    return out


def response_schema(name: str, ref: str) -> dict:
    """The schema a response is checked against: objects as the server answers them."""
    if name in {schema_name(r) for r in RESOURCES}:
        return {"$ref": ref + f"{name}Response"}
    return {"$ref": ref + name}


def gvk(op: Operation) -> dict:
    res = op.resource
    kind = op.kind or res.kind
    if kind == "Scale":
        return {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    return {"group": res.group, "version": res.version, "kind": kind}
