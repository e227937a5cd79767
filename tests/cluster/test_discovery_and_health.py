"""Discovery, OpenAPI, health endpoints, the index page, and YAML / server-side apply."""
from __future__ import annotations

import json
import urllib.request
import uuid

from tests.cluster.rawhttp import request


def test_livez_and_readyz_answer_without_a_token(kubelab_server):
    for path in ("/livez", "/readyz"):
        with urllib.request.urlopen(kubelab_server.url + path, timeout=10) as resp:
            assert resp.status == 200 and resp.read() == b"ok"
    with urllib.request.urlopen(kubelab_server.url + "/readyz?verbose", timeout=10) as resp:
        body = json.loads(resp.read())
    assert body["checks"] == {"database": "ok", "redis": "ok", "workers": "ok"}
    assert any(w.startswith("controllers@") for w in body["workers"])


def test_version_answers_like_a_1_32_server(kubelab_server):
    with urllib.request.urlopen(kubelab_server.url + "/version", timeout=10) as resp:
        body = json.loads(resp.read())
    assert (body["major"], body["minor"]) == ("1", "32")


def test_discovery_lists_every_kind_and_subresource(kubelab_server):
    _, core = request(kubelab_server, "GET", "/api/v1")
    names = {r["name"] for r in core["resources"]}
    assert {"pods", "pods/status", "pods/binding", "pods/log", "services", "endpoints",
            "events", "namespaces", "nodes", "nodes/status"} <= names
    _, apps = request(kubelab_server, "GET", "/apis/apps/v1")
    scale = next(r for r in apps["resources"] if r["name"] == "deployments/scale")
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")
    _, groups = request(kubelab_server, "GET", "/apis")
    assert {g["name"] for g in groups["groups"]} == {"apps", "coordination.k8s.io",
                                                   "scheduling.k8s.io"}


def test_openapi_v3_names_each_group_version_with_field_validation(kubelab_server):
    _, index = request(kubelab_server, "GET", "/openapi/v3")
    assert set(index["paths"]) == {"api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1",
                                  "apis/scheduling.k8s.io/v1"}
    _, doc = request(kubelab_server, "GET", index["paths"]["apis/apps/v1"]["serverRelativeURL"])
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"]["kind"] == "Deployment"
    assert "fieldValidation" in {p["name"] for p in patch["parameters"]}


def test_yaml_bodies_and_server_side_apply_create_then_merge(kubelab_server):
    ns = f"y-{uuid.uuid4().hex[:6]}"
    status, _ = request(kubelab_server, "POST", "/api/v1/namespaces",
                        raw=f"metadata:\n  name: {ns}\n".encode(),
                        content_type="application/yaml")
    assert status == 201
    path = f"/api/v1/namespaces/{ns}/services/web?fieldManager=test"
    svc = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
           "  selector: {app: web}\n  ports:\n  - port: 80\n")
    status, made = request(kubelab_server, "PATCH", path, raw=svc.encode(),
                           content_type="application/apply-patch+yaml")
    assert status == 200 and made["spec"]["clusterIP"]
    status, merged = request(kubelab_server, "PATCH", path,
                             raw=svc.replace("app: web", "app: web2").encode(),
                             content_type="application/apply-patch+yaml")
    assert status == 200
    assert merged["spec"]["selector"] == {"app": "web2"}
    assert merged["spec"]["clusterIP"] == made["spec"]["clusterIP"]


def test_node_ports_never_collide(kubelab_server):
    ns = f"np-{uuid.uuid4().hex[:6]}"
    request(kubelab_server, "POST", "/api/v1/namespaces", {"metadata": {"name": ns}})
    ports = set()
    for i in range(20):
        status, svc = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/services", {
            "metadata": {"name": f"s{i}"},
            "spec": {"type": "NodePort",
                     "ports": [{"port": 80, "name": "a"}, {"port": 443, "name": "b"}]}})
        assert status == 201, svc
        ports.update(p["nodePort"] for p in svc["spec"]["ports"])
    assert len(ports) == 40
    taken = next(iter(ports))
    status, body = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/services", {
        "metadata": {"name": "dup"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": taken}]}})
    assert status == 422
    assert body["details"]["causes"][0]["field"] == "spec.ports[0].nodePort"


def test_a_node_port_service_whose_ports_are_not_a_list_is_a_422(kubelab_server):
    # Found by `make fuzz`: nodePort allocation runs before validation and iterated a
    # number; the student must get the field error, not a 500.
    for ports in (1.0, "80", {"port": 80}):
        status, body = request(kubelab_server, "POST", "/api/v1/namespaces/default/services", {
            "metadata": {"name": "np-bad"}, "spec": {"type": "NodePort", "ports": ports}})
        assert status == 422, (ports, body)
        assert "spec.ports" in [c["field"] for c in body["details"]["causes"]]
