"""Every API path, from discovery: anonymous gets 401, and a student's namespace-scoped
token gets 403 in any other namespace and on cluster-scoped writes.

Paths are not listed by hand: the resource lists the server itself publishes drive the
checks, so a kind or subresource added later is covered without editing this file.
"""
from __future__ import annotations

import time
import uuid

import pytest

from cluster.kubeconfig import token_in
from tests.cluster.rawhttp import request

NO_TOKEN = "kl_not-a-real-token"


def _anonymous(server, method: str, path: str) -> int:
    import urllib.error
    import urllib.request

    req = urllib.request.Request(server.url + path, method=method,
                                 data=b"{}" if method in ("POST", "PUT", "PATCH") else None)
    if method in ("POST", "PUT", "PATCH"):
        req.add_header("Content-Type", "application/merge-patch+json" if method == "PATCH"
                       else "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def _resources(server) -> list[tuple[str, dict]]:
    """(group-version prefix, resource entry) for every resource the server publishes."""
    out = []
    status, core = request(server, "GET", "/api/v1")
    assert status == 200
    out += [("/api/v1", r) for r in core["resources"]]
    status, groups = request(server, "GET", "/apis")
    assert status == 200
    for group in groups["groups"]:
        for version in group["versions"]:
            prefix = f"/apis/{version['groupVersion']}"
            status, listed = request(server, "GET", prefix)
            assert status == 200, prefix
            out += [(prefix, r) for r in listed["resources"]]
    return out


@pytest.fixture(scope="module")
def resources(kubelab_server) -> list[tuple[str, dict]]:
    found = _resources(kubelab_server)
    assert any(r["name"] == "pods/log" for _, r in found)  # subresources are listed too
    return found


@pytest.fixture(scope="module")
def student(kubelab_server) -> tuple[str, str]:
    """(the student's namespace, its token)."""
    name = f"sec-{uuid.uuid4().hex[:6]}"
    path = kubelab_server.var_dir / f"{name}.kubeconfig"
    made = kubelab_server.manage("create-student", name, "--server", kubelab_server.url,
                                 "--kubeconfig", str(path))
    assert made.returncode == 0, made.stderr
    token = token_in(path)
    assert token
    return name, token


@pytest.fixture(scope="module")
def other_namespace(kubelab_server) -> str:
    name = f"sec-other-{uuid.uuid4().hex[:6]}"
    status, _ = request(kubelab_server, "POST", "/api/v1/namespaces",
                        {"metadata": {"name": name}})
    assert status == 201
    return name


def _as_student(server, token: str, method: str, path: str) -> tuple[int, object]:
    """One request with the student's token, honouring 429 Retry-After as a well-behaved
    client does: the per-token rate limit must not hide the answer being checked."""
    for _ in range(10):
        status, body = request(server, method, path,
                               {} if method in ("POST", "PUT", "PATCH") else None, token=token,
                               content_type="application/merge-patch+json"
                               if method == "PATCH" else "application/json")
        if status != 429:
            return status, body
        time.sleep(float(body.get("details", {}).get("retryAfterSeconds", 1)))
    raise AssertionError(f"{method} {path} stayed rate-limited")


def _paths(prefix: str, r: dict, namespace: str) -> list[tuple[str, str]]:
    """(method, path) for each verb the resource publishes, in `namespace` when it is
    namespaced. Subresources are asked of an object named `x`."""
    base, _, sub = r["name"].partition("/")
    where = f"{prefix}/namespaces/{namespace}/{base}" if r["namespaced"] else \
        f"{prefix}/{base}"
    verbs = set(r.get("verbs") or [])
    if sub:
        path = f"{where}/x/{sub}"
        out = [("GET", path)] if "get" in verbs or sub in ("log", "exec") else []
        if "update" in verbs:
            out.append(("PUT", path))
        if "patch" in verbs:
            out.append(("PATCH", path))
        if "create" in verbs:
            out.append(("POST", path))
        return out
    out = []
    if "list" in verbs:
        out.append(("GET", where))
    if "watch" in verbs:
        out.append(("GET", where + "?watch=1&timeoutSeconds=1"))
    if "get" in verbs:
        out.append(("GET", f"{where}/x"))
    if "create" in verbs:
        out.append(("POST", where))
    if "update" in verbs:
        out.append(("PUT", f"{where}/x"))
    if "patch" in verbs:
        out.append(("PATCH", f"{where}/x"))
    if "delete" in verbs:
        out.append(("DELETE", f"{where}/x"))
    if "deletecollection" in verbs:
        out.append(("DELETE", where))
    return out


def test_every_path_refuses_anonymous_and_bad_tokens(kubelab_server, resources,
                                                     other_namespace):
    checked = 0
    for prefix, r in resources:
        for method, path in _paths(prefix, r, other_namespace):
            assert _anonymous(kubelab_server, method, path) == 401, (method, path)
            status, _ = request(kubelab_server, method, path, {} if method != "GET" and
                                method != "DELETE" else None, token=NO_TOKEN,
                                content_type="application/merge-patch+json"
                                if method == "PATCH" else "application/json")
            assert status == 401, (method, path, status)
            checked += 1
    assert checked > 50


def test_a_student_token_is_refused_in_other_namespaces(kubelab_server, resources, student,
                                                        other_namespace):
    _, token = student
    checked = 0
    for prefix, r in resources:
        if not r["namespaced"]:
            continue
        for method, path in _paths(prefix, r, other_namespace):
            status, body = _as_student(kubelab_server, token, method, path)
            assert status == 403, (method, path, status, body)
            checked += 1
    assert checked > 50


def test_a_student_token_cannot_write_cluster_scoped_objects(kubelab_server, resources,
                                                             student):
    _, token = student
    checked = 0
    for prefix, r in resources:
        if r["namespaced"]:
            continue
        for method, path in _paths(prefix, r, ""):
            if method == "GET":
                continue  # reading nodes (and listing its own namespace) is allowed
            status, body = _as_student(kubelab_server, token, method, path)
            assert status == 403, (method, path, status, body)
            checked += 1
    assert checked >= 10


def test_a_student_token_works_in_its_own_namespace(kubelab_server, student):
    namespace, token = student
    status, body = _as_student(kubelab_server, token, "GET",
                               f"/api/v1/namespaces/{namespace}/pods")
    assert status == 200, body
    status, body = _as_student(kubelab_server, token, "GET", "/api/v1/pods")
    assert status == 403, body  # all namespaces: not the student's to list


def test_a_student_token_over_its_rate_gets_429_with_retry_after(kubelab_server, student):
    """A burst well beyond the limit: some answers are 429 with Retry-After, and the
    token works again once the bucket refills."""
    import urllib.error
    import urllib.request

    namespace, token = student
    path = f"/api/v1/namespaces/{namespace}/pods"
    limited = None
    for _ in range(200):
        req = urllib.request.Request(kubelab_server.url + path)
        req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=10):
                pass
        except urllib.error.HTTPError as err:
            if err.code == 429:
                limited = err
                break
            raise
    assert limited is not None, "200 back-to-back requests were never limited"
    retry = int(limited.headers["Retry-After"])
    assert retry >= 1
    assert _as_student(kubelab_server, token, "GET", path)[0] == 200
