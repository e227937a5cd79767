"""fieldValidation=Strict: unknown fields are reported with their paths."""
from __future__ import annotations

from cluster.validation import unknown_fields
from tests.cluster.manifests import VALID, deployment, fields, pod, service

# --- unknown fields (fieldValidation=Strict) -------------------------------------------------


def test_unknown_container_field_is_reported():
    obj = pod()
    obj["spec"]["containers"][0]["imagee"] = "nginx"
    assert unknown_fields("Pod", obj) == [{
        "reason": "FieldValueInvalid",
        "message": 'unknown field "spec.containers[0].imagee"',
        "field": "spec.containers[0].imagee",
    }]


def test_unknown_fields_at_top_level_metadata_and_template():
    obj = deployment()
    obj["extra"] = 1
    obj["metadata"]["labelz"] = {}
    obj["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limit": {}}
    assert sorted(fields(unknown_fields("Deployment", obj))) == [
        "extra", "metadata.labelz", "spec.template.spec.containers[0].resources.limit"]


def test_free_form_subtrees_accept_any_key():
    obj = pod(nodeSelector={"anything/goes": "x"})
    obj["metadata"]["labels"] = {"whatever": "x"}
    obj["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": "{}"}
    obj["spec"]["containers"][0]["resources"] = {"limits": {"nvidia.com/gpu": "1"}}
    obj["status"] = {"phase": "Running", "futureField": {"x": 1}}
    assert unknown_fields("Pod", obj) == []


def test_unknown_fields_tolerates_garbage_and_unknown_kinds():
    assert unknown_fields("Pod", "nope") == []  # type: ignore[arg-type]
    assert unknown_fields("Widget", {"x": 1}) == []
    assert unknown_fields("Pod", {"spec": {"containers": "x"}}) == []


def test_service_and_event_unknown_fields():
    svc = service()
    svc["spec"]["ports"][0]["tragetPort"] = 80
    assert fields(unknown_fields("Service", svc)) == ["spec.ports[0].tragetPort"]
    ev = VALID["Event"]()
    ev["spec"] = {}
    assert fields(unknown_fields("Event", ev)) == ["spec"]
