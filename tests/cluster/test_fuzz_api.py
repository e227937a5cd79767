"""Property-based fuzzing of the API: bad input always gets a 4xx Status, never a 5xx."""
from __future__ import annotations

import json
import os
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cluster.rawhttp import request

# CI's short version; `make fuzz` sets KUBELAB_FUZZ_EXAMPLES for the ten-minute run.
FUZZ_SETTINGS = settings(max_examples=int(os.environ.get("KUBELAB_FUZZ_EXAMPLES") or 120),
                         deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=40), st.sampled_from(["", "a" * 5000, "ünï©ødé ☃", "\x00"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=25)

field_names = st.sampled_from(["metadata", "spec", "status", "containers", "name", "image",
                               "labels", "replicas", "selector", "template", "ports", "port",
                               "matchLabels", "resources", "requests", "cpu", "env", "kind",
                               "apiVersion", "generateName", "nodePort", "type", "volumes"])


def mutate(base: dict, data) -> dict:
    """Replace one or two places in a valid manifest with arbitrary JSON."""
    doc = json.loads(json.dumps(base))
    for _ in range(data.draw(st.integers(1, 2))):
        node = doc
        for _depth in range(data.draw(st.integers(0, 4))):
            if isinstance(node, dict) and node:
                node = node[data.draw(st.sampled_from(sorted(node)))]
            elif isinstance(node, list) and node:
                node = node[data.draw(st.integers(0, len(node) - 1))]
        if isinstance(node, dict):
            node[data.draw(field_names)] = data.draw(json_values)
        elif isinstance(node, list):
            node.append(data.draw(json_values))
    return doc


POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fz", "labels": {"a": "b"}},
       "spec": {"containers": [{"name": "c", "image": "busybox",
                                "ports": [{"containerPort": 80}],
                                "resources": {"requests": {"cpu": "100m"}}}]}}
DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "fz"},
          "spec": {"replicas": 1, "selector": {"matchLabels": {"a": "b"}},
                   "template": {"metadata": {"labels": {"a": "b"}},
                                "spec": {"containers": [{"name": "c", "image": "x"}]}}}}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "fz"},
           "spec": {"type": "NodePort", "selector": {"a": "b"}, "ports": [{"port": 80}]}}
TARGETS = [("/api/v1/namespaces/default/pods", POD),
           ("/apis/apps/v1/namespaces/default/deployments", DEPLOY),
           ("/api/v1/namespaces/default/services", SERVICE)]


@pytest.fixture(scope="module", autouse=True)
def log_before_fuzzing(kubelab_server) -> int:
    """Where the cluster's log stood before this module: what the fuzzing wrote follows."""
    log = kubelab_server.log
    return log.stat().st_size if log and log.exists() else 0


def assert_client_error(status: int, body) -> None:
    assert status < 500, (status, body)
    if status >= 400:
        assert isinstance(body, dict) and body.get("kind") == "Status", body


def _cleanup(server, path: str, body) -> None:
    if isinstance(body, dict) and isinstance(body.get("metadata"), dict):
        name = body["metadata"].get("name")
        if isinstance(name, str) and name:
            request(server, "DELETE", f"{path}/{name}?gracePeriodSeconds=0")


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzzed_manifests_never_cause_5xx(kubelab_server, data):
    path, base = data.draw(st.sampled_from(TARGETS))
    doc = mutate(base, data)
    status, body = request(kubelab_server, "POST", path, doc)
    assert_client_error(status, body)
    if status == 201:
        _cleanup(kubelab_server, path, body)


raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.just(b"{" * 5000 + b"}" * 5000),
    st.just(b"[" * 100000),
    st.just(("a: " + "[" * 2000).encode()),
    st.just(b"{\"metadata\": {\"name\": \"" + b"x" * 2_000_000 + b"\"}}"),
    st.just(b"kind: Pod\nmetadata: {name: y\n  bad"),
    st.just(b"&a [*a, *a]"),
    st.just(json.dumps({"metadata": {"name": "n" * 300}}).encode()),
)
content_types = st.sampled_from(["application/json", "application/yaml",
                                 "application/merge-patch+json",
                                 "application/strategic-merge-patch+json",
                                 "application/json-patch+json", "text/html", ""])


@FUZZ_SETTINGS
@given(raw=raw_bodies, ctype=content_types,
       method_path=st.sampled_from([
           ("POST", "/api/v1/namespaces/default/pods"),
           ("POST", "/api/v1/namespaces"),
           ("PUT", "/api/v1/namespaces/default"),
           ("PATCH", "/api/v1/namespaces/default"),
           ("PATCH", "/apis/apps/v1/namespaces/default/deployments/nope/scale"),
           ("DELETE", "/api/v1/namespaces/default/pods/nope"),
           ("POST", "/api/v1/namespaces/default/pods/nope/binding"),
       ]))
def test_fuzzed_raw_bodies_never_cause_5xx(kubelab_server, raw, ctype, method_path):
    method, path = method_path
    status, body = request(kubelab_server, method, path, raw=raw, content_type=ctype)
    assert status < 500, (status, body)
    if status >= 400 and status != 413:  # nginx answers 413 itself, in HTML
        assert isinstance(body, dict) and body.get("kind") == "Status", body


def test_server_is_healthy_after_fuzzing(kubelab_server, log_before_fuzzing):
    with urllib.request.urlopen(kubelab_server.url + "/readyz", timeout=10) as resp:
        assert resp.status == 200
    status, body = request(kubelab_server, "GET", "/api/v1/namespaces/default")
    assert status == 200 and body["metadata"]["name"] == "default"
    # A 4xx answer is not the whole story: what was accepted is then read by the
    # controllers, the scheduler and the kubelets (a stored `containers: [null]` once
    # failed every scheduling attempt). No process may have logged a traceback.
    with open(kubelab_server.log, errors="replace") as log:
        log.seek(log_before_fuzzing)
        lines = log.read().splitlines()
    crashes = [i for i, line in enumerate(lines) if "Traceback (most recent call last)" in line]
    assert not crashes, "\n".join(lines[crashes[0] - 2:crashes[0] + 30])
