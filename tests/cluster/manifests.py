"""Valid manifests of every kind, and helpers for reading validation causes."""
from __future__ import annotations

from cluster.validation import apply_defaults, validate


def pod(**spec_overrides) -> dict:
    spec = {"containers": [{"name": "app", "image": "nginx:1.27",
                            "ports": [{"containerPort": 80, "name": "http"}]}]}
    spec.update(spec_overrides)
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
            "spec": spec}


def deployment(**spec_overrides) -> dict:
    spec = {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}},
                     "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}},
    }
    spec.update(spec_overrides)
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"}, "spec": spec}


def replicaset() -> dict:
    obj = deployment()
    obj["kind"] = "ReplicaSet"
    return obj


def service(**spec_overrides) -> dict:
    spec = {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}
    spec.update(spec_overrides)
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "default"}, "spec": spec}


def check(kind: str, obj: dict, old: dict | None = None) -> list[dict]:
    apply_defaults(kind, obj)
    return validate(kind, obj, old)


def fields(causes: list[dict]) -> list[str]:
    return [c["field"] for c in causes]


def find(causes: list[dict], field: str) -> dict:
    matches = [c for c in causes if c["field"] == field]
    assert matches, f"no cause for {field}: {causes}"
    return matches[0]


VALID = {
    "Pod": pod,
    "Deployment": deployment,
    "ReplicaSet": replicaset,
    "Service": service,
    "Endpoints": lambda: {"kind": "Endpoints", "metadata": {"name": "web", "namespace": "d"},
                          "subsets": [{"addresses": [{"ip": "10.0.0.1"}],
                                       "ports": [{"port": 80, "protocol": "TCP"}]}]},
    "Namespace": lambda: {"kind": "Namespace", "metadata": {"name": "team-a"}},
    "Node": lambda: {"kind": "Node", "metadata": {"name": "node-1"},
                     "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}},
    "Event": lambda: {"kind": "Event", "metadata": {"name": "web.1", "namespace": "default"},
                      "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
                      "reason": "Scheduled", "message": "ok", "type": "Normal", "count": 1},
    "Lease": lambda: {"kind": "Lease", "metadata": {"name": "l", "namespace": "kube-system"},
                      "spec": {"holderIdentity": "me", "leaseDurationSeconds": 15,
                               "renewTime": "2024-05-01T10:00:00.000000Z"}},
}
