"""Pod Security admission: baseline everywhere, restricted on request, no host paths."""
from __future__ import annotations

import uuid

import pytest

from cluster import podsecurity
from tests.cluster.rawhttp import request


def spec(**container_ctx) -> dict:
    c = {"name": "a", "image": "busybox"}
    if container_ctx:
        c["securityContext"] = container_ctx
    return {"containers": [c]}


@pytest.mark.parametrize("bad, reason", [
    ({"hostNetwork": True}, "host namespaces"),
    ({"hostPID": True}, "host namespaces"),
    ({"hostIPC": True}, "host namespaces"),
    ({"volumes": [{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]},
     "hostPath volumes"),
    ({"securityContext": {"seccompProfile": {"type": "Unconfined"}}}, "seccompProfile"),
    ({"securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]}},
     "forbidden sysctls"),
])
def test_baseline_refuses_pod_level_escapes(bad, reason):
    found = podsecurity.baseline_violations({**spec(), **bad})
    assert any(f.startswith(reason) for f in found), found


@pytest.mark.parametrize("ctx, reason", [
    ({"privileged": True}, "privileged"),
    ({"capabilities": {"add": ["SYS_ADMIN"]}}, "non-default capabilities"),
    ({"procMount": "Unmasked"}, "procMount"),
    ({"seccompProfile": {"type": "Unconfined"}}, "seccompProfile"),
])
def test_baseline_refuses_container_escapes(ctx, reason):
    assert any(f.startswith(reason) for f in podsecurity.baseline_violations(spec(**ctx)))


def test_baseline_allows_an_ordinary_pod_and_baseline_capabilities():
    assert podsecurity.baseline_violations(spec(capabilities={"add": ["NET_BIND_SERVICE"]})) \
        == []


def test_host_ports_are_refused():
    s = {"containers": [{"name": "a", "image": "x", "ports": [{"containerPort": 80,
                                                               "hostPort": 80}]}]}
    assert any(f.startswith("hostPort") for f in podsecurity.baseline_violations(s))


def test_restricted_needs_non_root_no_escalation_dropped_caps_and_seccomp():
    _, found = podsecurity.check(spec(), "restricted", [])
    assert {f.split(" (")[0] for f in found} >= {
        "allowPrivilegeEscalation != false", "unrestricted capabilities",
        "runAsNonRoot != true", "seccompProfile"}
    good = spec(allowPrivilegeEscalation=False, capabilities={"drop": ["ALL"]},
                runAsNonRoot=True, seccompProfile={"type": "RuntimeDefault"})
    assert podsecurity.check(good, "restricted", []) == ("restricted", [])


def test_image_allow_list_uses_globs():
    assert podsecurity.image_violations(spec(), ["kubelab/*", "busybox"]) == []
    assert podsecurity.image_violations({"containers": [{"name": "a", "image": "evil/x"}]},
                                        ["kubelab/*"])


def _ns(server, labels: dict | None = None) -> str:
    name = f"ps-{uuid.uuid4().hex[:6]}"
    status, _ = request(server, "POST", "/api/v1/namespaces",
                        {"metadata": {"name": name, "labels": labels or {}}})
    assert status == 201
    return name


def test_api_refuses_a_docker_socket_mount_with_403(kubelab_server):
    ns = _ns(kubelab_server)
    status, body = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods", {
        "metadata": {"name": "escape"},
        "spec": {"containers": [{"name": "a", "image": "busybox",
                                 "volumeMounts": [{"name": "sock", "mountPath": "/s"}]}],
                 "volumes": [{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]}})
    assert status == 403
    assert 'violates PodSecurity "baseline:latest": hostPath volumes' in body["message"]
    assert request(kubelab_server, "GET", f"/api/v1/namespaces/{ns}/pods/escape")[0] == 404


def test_api_refuses_privileged_templates_in_deployments(kubelab_server):
    ns = _ns(kubelab_server)
    status, body = request(kubelab_server, "POST", f"/apis/apps/v1/namespaces/{ns}/deployments", {
        "metadata": {"name": "priv"},
        "spec": {"selector": {"matchLabels": {"a": "b"}},
                 "template": {"metadata": {"labels": {"a": "b"}},
                              "spec": {"containers": [{"name": "a", "image": "busybox",
                                                       "securityContext": {
                                                           "privileged": True}}]}}}})
    assert status == 403 and "privileged" in body["message"]


def test_restricted_namespace_enforces_restricted(kubelab_server):
    ns = _ns(kubelab_server, {podsecurity.ENFORCE_LABEL: "restricted"})
    status, body = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods", {
        "metadata": {"name": "root"},
        "spec": {"containers": [{"name": "a", "image": "busybox"}]}})
    assert status == 403 and 'PodSecurity "restricted:latest"' in body["message"]


def test_teacher_allow_list_refuses_other_images(kubelab_server):
    path = "/api/v1/namespaces/kube-system/configmaps"
    status, _ = request(kubelab_server, "POST", path, {
        "metadata": {"name": "kubelab-settings"}, "data": {"images.allowed": "kubelab/*"}})
    assert status in (201, 409)
    if status == 409:
        request(kubelab_server, "PATCH", f"{path}/kubelab-settings",
                {"data": {"images.allowed": "kubelab/*"}},
                content_type="application/merge-patch+json")
    try:
        ns = _ns(kubelab_server)
        status, body = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods", {
            "metadata": {"name": "other"},
            "spec": {"containers": [{"name": "a", "image": "nginx"}]}})
        assert status == 403 and "allow-list" in body["message"]
        status, _ = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/pods", {
            "metadata": {"name": "ok"},
            "spec": {"containers": [{"name": "a", "image": "kubelab/hello:1"}]}})
        assert status == 201
    finally:
        request(kubelab_server, "PATCH", f"{path}/kubelab-settings",
                {"data": {"images.allowed": None}}, content_type="application/merge-patch+json")
