"""The OpenAPI documents as JSON text: /openapi/v3/<group-version> (OpenAPI 3.0, one per
group-version, as Kubernetes splits them) and /openapi/v2 when asked as JSON (Swagger 2.0,
the whole API). What they say comes from openapi_model.py (the resource registry); why
some things are left out for kubectl's sake is written there."""
from __future__ import annotations

from functools import cache
from typing import Any

from cluster.api.openapi_model import (
    ERROR_CODES,
    FRONT_CODES,
    PATCH_TYPES,
    SMP,
    TITLE,
    VERSION,
    Operation,
    Param,
    PathItem,
    gvk,
    path_items,
    response_schema,
    schemas,
)
from cluster.objects import dumps
from cluster.resources import RESOURCES, Resource, resources_in

V3_REF, V2_REF = "#/components/schemas/", "#/definitions/"
# A JSON patch is a list of operations; every other patch body is an object.
PATCH_BODY = {"application/json-patch+json": {"type": "array", "items": {"type": "object"}}}


def _body_schema(op: Operation, content_type: str, ref: str) -> dict:
    if content_type in PATCH_BODY and op.action == "patch":
        return PATCH_BODY[content_type]
    return {"type": "object"} if op.body == "object" else {"$ref": ref + str(op.body)}


def _description(code: str) -> str:
    return ERROR_CODES.get(code) or {"200": "OK", "201": "Created",
                                     "202": "Accepted"}.get(code, "")


# --- OpenAPI 3.0 ------------------------------------------------------------------------
def _v3_param(p: Param) -> dict:
    schema: dict[str, Any] = {"type": p.kind}
    if p.enum:
        schema["enum"] = list(p.enum)
    out = {"name": p.name, "in": p.where, "required": p.where == "path", "schema": schema}
    if p.description:
        out["description"] = p.description
    return out


def _v3_responses(op: Operation) -> dict:
    out: dict[str, Any] = {}
    for code, name in op.responses.items():
        if op.text_response:
            content = {"text/plain": {"schema": {"type": "string"}}}
        else:
            content = {"application/json": {"schema": response_schema(name, V3_REF)}}
        out[code] = {"description": _description(code), "content": content}
    for code in ERROR_CODES:
        out[code] = {"$ref": f"#/components/responses/Status{code}"}
    return out


def _v3_error_responses() -> dict:
    """Every error answer once, referred to by each operation: a Status object."""
    out = {}
    for code in ERROR_CODES:
        content = {}
        if FRONT_CODES.get(code, True):
            content["application/json"] = {"schema": {"$ref": V3_REF + "v1.Status"}}
        if code in FRONT_CODES:
            content["text/html"] = {"schema": {"type": "string"}}
        out[f"Status{code}"] = {"description": _description(code), "content": content}
    return out


def _v3_operation(op: Operation) -> dict:
    out: dict[str, Any] = {"operationId": op.op_id, "tags": [op.resource.plural],
                           "x-kubernetes-action": op.action,
                           "x-kubernetes-group-version-kind": gvk(op),
                           "parameters": [_v3_param(p) for p in op.params],
                           "responses": _v3_responses(op)}
    if op.body:
        # No strategic-merge patch in v3 (openapi_model.py says why).
        out["requestBody"] = {"required": op.action != "delete", "content": {
            ct: {"schema": _body_schema(op, ct, V3_REF)} for ct in op.body_types}}
    return out


def _v3_path(item: PathItem) -> dict:
    out: dict[str, Any] = {op.method: _v3_operation(op) for op in item.operations}
    if item.params:
        out["parameters"] = [_v3_param(p) for p in item.params]
    return out


def v3_document(resources: list[Resource]) -> dict:
    paths = {item.path: _v3_path(item) for res in resources for item in path_items(res)}
    return {"openapi": "3.0.0", "info": {"title": TITLE, "version": VERSION},
            "paths": paths,
            "components": {"schemas": schemas(V3_REF), "responses": _v3_error_responses(),
                           "securitySchemes": {
                "BearerToken": {"type": "http", "scheme": "bearer"}}},
            "security": [{"BearerToken": []}]}


# --- Swagger 2.0 ------------------------------------------------------------------------
def _v2_param(p: Param) -> dict:
    out: dict[str, Any] = {"name": p.name, "in": p.where, "required": p.where == "path",
                           "type": p.kind}
    if p.enum:
        out["enum"] = list(p.enum)
    if p.description:
        out["description"] = p.description
    return out


def _v2_operation(op: Operation) -> dict:
    responses: dict[str, Any] = {}
    for code, name in op.responses.items():
        schema = {"type": "string"} if op.text_response else response_schema(name, V2_REF)
        responses[code] = {"description": _description(code), "schema": schema}
    for code in ERROR_CODES:
        responses[code] = {"$ref": f"#/responses/Status{code}"}
    params = [_v2_param(p) for p in op.params]
    consumes = list(op.body_types)
    if op.body:
        if op.action == "patch":
            consumes = [*PATCH_TYPES, SMP]
        # One body schema in Swagger 2.0: a patch's is an object (Kubernetes' v1.Patch too),
        # though a JSON patch is a list.
        schema = {"type": "object"} if op.body == "object" else {"$ref": V2_REF + op.body}
        params.append({"name": "body", "in": "body", "required": op.action != "delete",
                       "schema": schema})
    out: dict[str, Any] = {"operationId": op.op_id, "tags": [op.resource.plural],
                           "x-kubernetes-action": op.action,
                           "x-kubernetes-group-version-kind": gvk(op),
                           "parameters": params, "responses": responses,
                           # A log is text; its errors are Status objects, as everywhere.
                           # (Swagger 2.0 has one list for every answer: text/html is the
                           # front servers' 413 and 414 pages.)
                           "produces": ["text/plain", "application/json", "text/html"]
                           if op.text_response else ["application/json", "text/html"]}
    if consumes:
        out["consumes"] = consumes
    return out


def v2_document(resources: list[Resource]) -> dict:
    paths: dict[str, Any] = {}
    for res in resources:
        for item in path_items(res):
            entry: dict[str, Any] = {op.method: _v2_operation(op) for op in item.operations}
            if item.params:
                entry["parameters"] = [_v2_param(p) for p in item.params]
            paths[item.path] = entry
    return {"swagger": "2.0", "info": {"title": TITLE, "version": VERSION}, "paths": paths,
            "definitions": schemas(V2_REF),
            "responses": {f"Status{code}": {"description": _description(code), "schema": (
                {"$ref": V2_REF + "v1.Status"} if FRONT_CODES.get(code, True)
                else {"type": "string"})} for code in ERROR_CODES},
            "securityDefinitions": {"BearerToken": {"type": "apiKey", "in": "header",
                                                    "name": "authorization"}},
            "security": [{"BearerToken": []}]}


# --- served text, built once ------------------------------------------------------------
@cache
def v3_text(group: str, version: str) -> str:
    return dumps(v3_document(resources_in(group, version)))


@cache
def v2_text() -> str:
    return dumps(v2_document(list(RESOURCES)))
