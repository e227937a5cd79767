"""Request parsing and response building shared by the API views and the watch stream."""
from __future__ import annotations

import json
from typing import Any

import yaml
from django.conf import settings
from django.http import HttpResponse

from cluster.errors import ApiError, BadRequest, RequestEntityTooLarge, UnsupportedMediaType
from cluster.objects import dumps

JSON = "application/json"
TABLE_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"
MAX_DEPTH = 64


def raw_response(body: str | bytes, status: int = 200, content_type: str = JSON) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=content_type)


def object_response(obj: Any, status: int = 200) -> HttpResponse:
    return raw_response(dumps(obj), status)


def error_response(err: ApiError) -> HttpResponse:
    response = raw_response(dumps(err.status()), err.code)
    if err.retry_after:
        response["Retry-After"] = str(err.retry_after)
    return response


def wants_table(accept: str) -> bool:
    """kubectl get asks for a Table first; anything else gets plain objects."""
    first = (accept or "").split(",")[0]
    return "as=Table" in first


def query_bool(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def query_int(params, name: str, default: int | None = None) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"invalid value for {name}: {raw!r} is not an integer") from None


def parse_body(raw: bytes, content_type: str) -> Any:
    """JSON or YAML request body into Python data, with clear 4xx errors."""
    if len(raw) > settings.MAX_REQUEST_BYTES:
        raise RequestEntityTooLarge("the request body is larger than 3 MiB")
    if not raw.strip():
        raise BadRequest("the request body is empty")
    ctype = (content_type or JSON).split(";")[0].strip().lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not valid UTF-8") from None
    try:
        if "yaml" in ctype:
            data = yaml.safe_load(text)
        elif "json" in ctype or ctype in ("", "*/*", "text/plain"):
            data = json.loads(text)
        elif "protobuf" in ctype:
            # kubectl's `create namespace|deployment|...` generators send protobuf.
            raise UnsupportedMediaType(
                "kubelab speaks JSON and YAML, not protobuf (which kubectl's `create <kind>` "
                "shortcuts send): write a manifest and use `kubectl apply -f` or "
                "`kubectl create -f` instead")
        else:
            raise UnsupportedMediaType(f"the body of the request was in an unknown format: "
                                       f"{ctype}; accepted media types include: {JSON}, "
                                       "application/yaml")
    except RecursionError:
        raise BadRequest("the request body is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc.msg} at line {exc.lineno}"
                         f" column {exc.colno}") from None
    except yaml.YAMLError as exc:
        raise BadRequest(f"the request body is not valid YAML: {exc}") from None
    except ValueError as exc:  # e.g. huge integers
        raise BadRequest(f"the request body could not be decoded: {exc}") from None
    check_depth(data)
    return data


def check_depth(data: Any) -> None:
    """Refuse absurd nesting before any recursive code sees it."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest(f"the request body is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
