"""The served OpenAPI documents: generated from the resource registry, JSON for clients, and
shaped so kubectl keeps its own behaviour (protobuf v2 for old kubectl; no kind schemas and
no strategic-merge body in v3 for new kubectl)."""
from __future__ import annotations

import json
import urllib.request

import pytest

from cluster.api.openapi_v2 import document_protobuf
from cluster.resources import RESOURCES

ALL_METHODS = {"get", "put", "patch", "delete", "post"}


def fetch(server, path: str, accept: str | None) -> tuple[str, bytes]:
    headers = {"Authorization": f"Bearer {server.admin_token}"}
    if accept is not None:
        headers["Accept"] = accept
    req = urllib.request.Request(server.url + path, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
        return resp.headers["Content-Type"], resp.read()


@pytest.mark.parametrize("accept", [
    "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",  # kubectl 1.20
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
])
def test_v2_as_protobuf_is_still_the_empty_document(kubelab_server, accept: str) -> None:
    ctype, body = fetch(kubelab_server, "/openapi/v2", accept)
    assert ctype == "application/octet-stream"
    assert body == document_protobuf() and body.startswith(b"\x0a\x032.0")


@pytest.mark.parametrize("accept", ["application/json", None])
def test_v2_as_json_describes_every_resource(kubelab_server, accept: str | None) -> None:
    ctype, body = fetch(kubelab_server, "/openapi/v2", accept)
    assert ctype.startswith("application/json")
    doc = json.loads(body)
    assert doc["swagger"] == "2.0"
    for res in RESOURCES:
        base = res.group_version_path
        coll = (f"{base}/namespaces/{{namespace}}/{res.plural}" if res.namespaced
                else f"{base}/{res.plural}")
        assert set(doc["paths"][coll]) >= {"get", "post", "delete"}, coll
        item = doc["paths"][coll + "/{name}"]
        assert set(item) >= {"get", "put", "patch", "delete"}
        assert item["get"]["x-kubernetes-group-version-kind"]["kind"] == res.kind
        # v2 is read by clients, not by kubectl's apply: strategic merge is listed there
        assert "application/strategic-merge-patch+json" in item["patch"]["consumes"]
        watch = [p for p in doc["paths"][coll]["get"]["parameters"] if p["name"] == "watch"]
        assert watch and watch[0]["type"] == "boolean"
        for sub in res.subresources:
            if sub.name in ("status", "scale"):
                sub_path = doc["paths"][f"{coll}/{{name}}/{sub.name}"]
                assert set(sub_path) == {"get", "put", "patch", "parameters"}
        name = f"{res.api_version.replace('/', '.')}.{res.kind}"
        meta = doc["definitions"]["v1.ObjectMeta"]["properties"]
        assert {"name", "labels", "annotations"} <= set(meta)
        assert "metadata" in doc["definitions"][name]["properties"]


def test_v3_documents_cover_their_group_version_and_keep_kubectl_on_its_types(
        kubelab_server) -> None:
    _, raw = fetch(kubelab_server, "/openapi/v3", "application/json")
    index = json.loads(raw)["paths"]
    seen = set()
    for key, entry in index.items():
        _, raw = fetch(kubelab_server, entry["serverRelativeURL"], "application/json")
        doc = json.loads(raw)
        assert doc["openapi"].startswith("3.")
        for path, item in doc["paths"].items():
            assert path.startswith("/" + key + "/"), (key, path)
            assert set(item) - {"parameters"} <= ALL_METHODS
            patch = item.get("patch")
            if patch:
                # kubectl: server-side field validation is announced on the patch operation;
                # with a strategic-merge body listed it would patch from this document's
                # (loose) schemas instead of its built-in types.
                assert "fieldValidation" in {p["name"] for p in patch["parameters"]}
                assert "application/strategic-merge-patch+json" not in \
                    patch["requestBody"]["content"]
            for op in (v for k, v in item.items() if k != "parameters"):
                gvk = op["x-kubernetes-group-version-kind"]
                seen.add((gvk["group"], gvk["version"], gvk["kind"]))
        for name, schema in doc["components"]["schemas"].items():
            assert "x-kubernetes-group-version-kind" not in schema, name
    assert {(r.group, r.version, r.kind) for r in RESOURCES} <= seen


def test_a_status_subresource_and_scale_are_described(kubelab_server) -> None:
    _, raw = fetch(kubelab_server, "/openapi/v3/apis/apps/v1", "application/json")
    doc = json.loads(raw)
    scale = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]
    assert scale["get"]["x-kubernetes-group-version-kind"] == {
        "group": "autoscaling", "version": "v1", "kind": "Scale"}
    ok = scale["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/autoscaling.v1.Scale"}
    status = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/replicasets/{name}/status"]
    assert set(status) == {"get", "put", "patch", "parameters"}
