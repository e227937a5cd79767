"""schemathesis against the OpenAPI documents the server serves (cluster/api/openapi_json.py):
every operation of /openapi/v2 (Swagger 2.0, the whole API) and of the /openapi/v3
group-version documents, with generated parameters and bodies, on a cluster of its own.

Checks per response: no 5xx, a status code the document declares, its content type, and
its body against the declared schema (loose: objects with apiVersion, kind, metadata;
errors are Status objects). Afterwards the server must still be ready. Every request has a
deadline, so a hang fails the test instead of stalling it.

Short by default (CI: well under a minute); the long run:
    KUBELAB_SCHEMATHESIS_EXAMPLES=100 .venv/bin/python -m pytest \
        tests/cluster/test_schemathesis_api.py
(`make fuzz` runs it with the hypothesis fuzzers.)"""
from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cluster.runner.harness import RunningCluster, running_cluster
from tests.cluster.rawhttp import request

EXAMPLES = int(os.environ.get("KUBELAB_SCHEMATHESIS_EXAMPLES") or 2)
# Generated namespace names would nearly all be 404s: aim namespaced paths at one that
# exists, so creates, reads, patches and deletes reach the handlers.
NAMESPACE = "schemathesis"
REQUEST_TIMEOUT = 30  # s: any answer slower than this counts as a hang
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# A watch or a followed log is a stream, not one JSON body: only its status is checked.
STREAM_CHECKS = [not_a_server_error, status_code_conformance]


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    """A cluster of its own: the fuzzer creates and deletes nodes, namespaces and priority
    classes, which must not reach the other tests' shared server."""
    var_dir: Path = tmp_path_factory.mktemp("kubelab-schemathesis")
    # As conftest's server: PostgreSQL when `make test` runs the cluster tests on it.
    with running_cluster(var_dir, database_url=os.environ.get("DATABASE_URL"), nodes=0,
                         runtime="simulated") as server:
        status, body = request(server, "POST", "/api/v1/namespaces",
                               {"metadata": {"name": NAMESPACE}})
        assert status == 201, body
        yield server


def _configure(schema, server: RunningCluster):
    schema.config.update(base_url=server.url,
                         headers={"Authorization": f"Bearer {server.admin_token}"},
                         request_timeout=REQUEST_TIMEOUT)
    return schema


def _get(server: RunningCluster, path: str) -> dict:
    req = urllib.request.Request(server.url + path, headers={
        "Authorization": f"Bearer {server.admin_token}", "Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.headers["Content-Type"].startswith("application/json")
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def v2_schema(cluster: RunningCluster):
    return _configure(schemathesis.openapi.from_dict(_get(cluster, "/openapi/v2")), cluster)


@pytest.fixture(scope="module")
def v3_schema(cluster: RunningCluster):
    """The group-version documents as the index names them, fetched one by one and joined
    into one (their components are the same; their paths are disjoint)."""
    index = _get(cluster, "/openapi/v3")
    joined: dict = {}
    for entry in index["paths"].values():
        doc = _get(cluster, entry["serverRelativeURL"])
        if not joined:
            joined = doc
        else:
            assert not set(doc["paths"]) & set(joined["paths"])
            joined["paths"].update(doc["paths"])
    assert len(index["paths"]) >= 4 and joined["paths"]
    return _configure(schemathesis.openapi.from_dict(joined), cluster)


def _streams(case) -> bool:
    query = case.query or {}
    return any(str(query.get(k)).lower() in ("true", "1") for k in ("watch", "follow"))


def _exercise(case) -> None:
    if _streams(case):
        # The server ends a watch after timeoutSeconds; a short one keeps the run moving.
        case.query["timeoutSeconds"] = 1
        case.query.pop("follow", None)
        response = case.call(timeout=REQUEST_TIMEOUT)
        case.validate_response(response, checks=STREAM_CHECKS)
    else:
        response = case.call(timeout=REQUEST_TIMEOUT)
        case.validate_response(response, checks=CHECKS)


def fuzz_every_operation(schema, examples: int) -> list[str]:
    """Each operation's generated cases, run and checked; the failures, one line each, so
    one bad operation does not hide the others. (schemathesis's own pytest integration
    fails on pytest 9, so this drives its strategies with hypothesis directly.)"""
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # an operation the loader cannot read raises here
        operations += 1

        fixed = {"namespace": NAMESPACE} if any(
            p.name == "namespace" for p in operation.path_parameters) else None
        # Valid requests (they reach the handlers) and invalid ones (they must be refused
        # with a 4xx Status, not a 5xx).
        strategy = st.one_of(*(operation.as_strategy(mode, path_parameters=fixed)
                               for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)))

        @fuzz_settings(examples)
        @given(case=strategy)
        def run(case) -> None:
            _exercise(case)

        try:
            run()
        # schemathesis reports its check failures as a BaseExceptionGroup
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  (collected, reported)
            failures.append(f"{operation.label}: {type(exc).__name__}: {exc}"[:3000])
    assert operations >= 100, f"only {operations} operations in the document"
    return failures


def test_openapi_v2_every_operation(v2_schema) -> None:
    failures = fuzz_every_operation(v2_schema, EXAMPLES)
    assert not failures, "\n\n".join(failures)


def test_openapi_v3_every_operation(v3_schema) -> None:
    # The same operations as v2 (less the strategic-merge patch bodies): half the examples.
    failures = fuzz_every_operation(v3_schema, max(1, EXAMPLES // 2))
    assert not failures, "\n\n".join(failures)


def test_a_name_with_a_newline_gets_a_status_404(cluster: RunningCluster) -> None:
    status, body = request(cluster, "GET", f"/api/v1/namespaces/{NAMESPACE}/pods/a%0Ab")
    assert status == 404
    assert isinstance(body, dict) and body.get("kind") == "Status", body


def test_the_server_is_healthy_afterwards(cluster: RunningCluster) -> None:
    with urllib.request.urlopen(cluster.url + "/readyz", timeout=10) as resp:
        assert resp.status == 200
    status, body = request(cluster, "GET", f"/api/v1/namespaces/{NAMESPACE}/pods")
    assert status == 200 and body["kind"] == "PodList"
