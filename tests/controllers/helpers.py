"""Shared helpers for controller tests: a small API client, namespaces, manifests,
polling with deadlines."""
from __future__ import annotations

import uuid

import requests

from tests.waiting import wait_for  # noqa: F401  (re-exported to the tests)

SETTINGS_CM = "/api/v1/namespaces/kube-system/configmaps"


class Api:
    """Just enough of a client: JSON in, JSON out, errors as status codes."""

    def __init__(self, server) -> None:
        self.base = server.url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {server.admin_token}"

    def call(self, method: str, path: str, body=None, patch: str = "") -> tuple[int, dict]:
        headers = {"Content-Type": f"application/{patch}+json" if patch else
                   "application/json"}
        r = self.session.request(method, self.base + path, json=body, headers=headers,
                                 timeout=30)
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, {}

    def pods(self, namespace: str) -> list[dict]:
        return self.call("GET", f"/api/v1/namespaces/{namespace}/pods")[1].get("items", [])

    def set_settings(self, data: dict[str, str]) -> None:
        """Merge `data` into the ConfigMap kube-system/kubelab-settings (the run-time
        switches of the controllers and the simulator), creating it if missing."""
        code, _ = self.call("PATCH", SETTINGS_CM + "/kubelab-settings", {"data": data},
                            patch="merge-patch")
        if code == 404:
            self.call("POST", SETTINGS_CM, {"metadata": {"name": "kubelab-settings"},
                                            "data": data})


def new_namespace(api) -> str:
    name = f"c-{uuid.uuid4().hex[:8]}"
    code, body = api.call("POST", "/api/v1/namespaces", {"metadata": {"name": name}})
    assert code == 201, body
    return name


def template(labels: dict, image: str = "busybox", **spec) -> dict:
    return {"metadata": {"labels": labels},
            "spec": {"containers": [{"name": "app", "image": image,
                                     "ports": [{"name": "http", "containerPort": 8080}]}],
                     "terminationGracePeriodSeconds": 30, **spec}}


def replicaset(name: str, replicas: int, labels: dict | None = None) -> dict:
    labels = labels or {"app": name}
    return {"metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": template(labels)}}


def deployment(name: str, replicas: int, image: str = "busybox", **spec) -> dict:
    labels = {"app": name}
    return {"metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": template(labels, image), **spec}}


def active(pods: list[dict]) -> list[dict]:
    return [p for p in pods if not p["metadata"].get("deletionTimestamp")]


def ready(pods: list[dict]) -> list[dict]:
    return [p for p in active(pods) if any(c.get("type") == "Ready" and c.get("status") ==
                                           "True" for c in (p.get("status") or {})
                                           .get("conditions") or [])]
