"""Priority admission: priorityClassName resolves to spec.priority at creation."""
from __future__ import annotations

import uuid

from tests.cluster.rawhttp import request


def _pod(name: str, priority_class: str | None = None) -> dict:
    spec: dict = {"containers": [{"name": "a", "image": "busybox"}]}
    if priority_class:
        spec["priorityClassName"] = priority_class
    return {"metadata": {"name": name}, "spec": spec}


def test_priority_class_name_sets_priority(kubelab_server):
    ns = f"pr-{uuid.uuid4().hex[:6]}"
    request(kubelab_server, "POST", "/api/v1/namespaces", {"metadata": {"name": ns}})
    status, pod = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods",
                          _pod("prod", "production"))
    assert status == 201 and pod["spec"]["priority"] == 100_000
    status, pod = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods", _pod("plain"))
    assert status == 201 and pod["spec"]["priority"] == 0


def test_unknown_priority_class_is_refused_with_403(kubelab_server):
    status, body = request(kubelab_server, "POST", "/api/v1/namespaces/default/pods",
                           _pod("nope", "no-such-band"))
    assert status == 403
    assert "no PriorityClass with name no-such-band was found" in body["message"]
