"""Discovery (/version, /api, /apis, per group-version resource lists) and the OpenAPI v3
documents kubectl reads before `apply` and `create -f`.

Both are derived from the resource registry, so they can never disagree with
what the API actually serves.
"""
from __future__ import annotations

import hashlib
import platform

from django.http import HttpRequest, HttpResponse

from cluster import auth
from cluster.api import openapi_json, openapi_v2
from cluster.api.http import error_response, object_response, raw_response
from cluster.errors import ApiError, NotFound
from cluster.resources import ALL_VERBS, Resource, group_versions, resources_in

KUBE_VERSION = {"major": "1", "minor": "32"}


def _authenticated(view):
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            auth.authenticate(request.headers.get("Authorization", ""))
            return view(request, *args, **kwargs)
        except ApiError as err:
            return error_response(err)
    wrapper.__name__ = view.__name__
    return wrapper


def version(request: HttpRequest) -> HttpResponse:
    return object_response({
        **KUBE_VERSION,
        "gitVersion": "v1.32.0-kubelab",
        "gitCommit": "kubelab",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": f"python{platform.python_version()}",
        "compiler": "cpython",
        "platform": "linux/amd64",
    })


@_authenticated
def api_versions(request: HttpRequest) -> HttpResponse:
    return object_response({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                        "serverAddress": request.get_host()}],
    })


@_authenticated
def api_groups(request: HttpRequest) -> HttpResponse:
    groups = []
    for group, ver in group_versions():
        if not group:
            continue
        gv = {"groupVersion": f"{group}/{ver}", "version": ver}
        groups.append({"name": group, "versions": [gv], "preferredVersion": gv})
    return object_response({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})


@_authenticated
def api_group(request: HttpRequest, group: str) -> HttpResponse:
    versions = [v for g, v in group_versions() if g == group]
    if not versions:
        return error_response(NotFound("the server could not find the requested resource"))
    gv = {"groupVersion": f"{group}/{versions[0]}", "version": versions[0]}
    return object_response({"kind": "APIGroup", "apiVersion": "v1", "name": group,
                            "versions": [gv], "preferredVersion": gv})


def _resource_entries(res: Resource) -> list[dict]:
    entry = {
        "name": res.plural, "singularName": res.singular, "namespaced": res.namespaced,
        "kind": res.kind, "verbs": ALL_VERBS,
    }
    if res.short_names:
        entry["shortNames"] = list(res.short_names)
    if res.categories:
        entry["categories"] = list(res.categories)
    entries = [entry]
    for sub in res.subresources:
        sub_entry = {"name": f"{res.plural}/{sub.name}", "singularName": "",
                     "namespaced": res.namespaced, "kind": sub.kind, "verbs": list(sub.verbs)}
        if sub.group:
            sub_entry.update(group=sub.group, version=sub.version)
        entries.append(sub_entry)
    return entries


def resource_list(group: str, ver: str) -> dict | None:
    found = resources_in(group, ver)
    if not found:
        return None
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{ver}" if group else ver,
            "resources": [e for r in found for e in _resource_entries(r)]}


@_authenticated
def core_resources(request: HttpRequest, ver: str) -> HttpResponse:
    body = resource_list("", ver)
    if body is None:
        return error_response(NotFound("the server could not find the requested resource"))
    return object_response(body)


@_authenticated
def group_resources(request: HttpRequest, group: str, ver: str) -> HttpResponse:
    body = resource_list(group, ver)
    if body is None:
        return error_response(NotFound("the server could not find the requested resource"))
    return object_response(body)


# --- OpenAPI v3 ------------------------------------------------------------

def _gv_key(group: str, ver: str) -> str:
    return f"apis/{group}/{ver}" if group else f"api/{ver}"


def openapi_document(group: str, ver: str) -> str:
    """One group-version's OpenAPI 3.0 document (openapi_json.py: every path and verb the
    registry serves, with loose schemas, shaped so kubectl keeps its built-in types)."""
    return openapi_json.v3_text(group, ver)


def _hash(group: str, ver: str) -> str:
    return hashlib.sha256(openapi_document(group, ver).encode()).hexdigest()[:16].upper()


@_authenticated
def openapi_index(request: HttpRequest) -> HttpResponse:
    paths = {}
    for group, ver in group_versions():
        key = _gv_key(group, ver)
        paths[key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={_hash(group, ver)}"}
    return object_response({"paths": paths})


@_authenticated
def openapi_group_version(request: HttpRequest, path: str) -> HttpResponse:
    for group, ver in group_versions():
        if _gv_key(group, ver) == path.strip("/"):
            response = raw_response(openapi_document(group, ver))
            response["Cache-Control"] = "public, immutable"
            return response
    return error_response(NotFound("the server could not find the requested resource"))


@_authenticated
def openapi_v2_document(request: HttpRequest) -> HttpResponse:
    """OpenAPI v2: the empty protobuf document older kubectl needs before `apply`, or the
    whole API as Swagger 2.0 JSON for everyone else (openapi_v2.py)."""
    return openapi_v2.document(request)
