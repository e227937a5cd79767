"""Quota arithmetic without a server: quantities, what a pod uses, the refusal message."""
from __future__ import annotations

from decimal import Decimal

import pytest

from cluster import quota
from cluster.quantity import format_quantity, parse


def q(text: str):
    parsed = parse(text)
    assert parsed is not None, text
    return parsed


def pod(*containers: dict, phase: str = "Pending", init: tuple[dict, ...] = ()) -> dict:
    return {"metadata": {"name": "p"}, "status": {"phase": phase},
            "spec": {"containers": list(containers), "initContainers": list(init)}}


def c(name: str = "app", **resources: dict) -> dict:
    return {"name": name, "image": "busybox", "resources": resources}


@pytest.mark.parametrize("text, canonical", [
    ("500m", "500m"), ("0.5", "500m"), ("1", "1"), ("1000m", "1"), ("1.5", "1500m"),
    ("1000", "1k"), ("1500", "1500"), ("128Mi", "128Mi"), ("1024Mi", "1Gi"),
    ("1536Mi", "1536Mi"), ("0.5Gi", "512Mi"), ("100M", "100M"), ("1e3", "1k"), ("0", "0"),
    ("1n", "1n"), ("100u", "100u"),
])
def test_it_prints_quantities_canonically(text, canonical):
    assert str(q(text)) == canonical


def test_it_rounds_below_a_nano_up():
    assert format_quantity(Decimal("0.0000000001")) == "1n"


def test_sums_keep_the_format_of_the_first_operand():
    assert str(q("128Mi") + q("128Mi")) == "256Mi"
    assert str(q("250m") + q("250m") + q("500m")) == "1"
    assert str(q("100M") + q("28Mi")) == "129360128"


def test_it_refuses_what_does_not_parse():
    assert parse("lots") is None
    assert parse(True) is None


def test_a_pod_uses_the_sum_of_its_containers():
    usage = quota.pod_usage(pod(c("a", requests={"cpu": "250m", "memory": "64Mi"},
                                  limits={"cpu": "500m"}),
                                c("b", requests={"cpu": "250m", "memory": "64Mi"})))
    assert str(usage["pods"]) == "1"
    assert str(usage["requests.cpu"]) == "500m"
    assert str(usage["cpu"]) == "500m"
    assert str(usage["requests.memory"]) == "128Mi"
    assert str(usage["memory"]) == "128Mi"
    assert str(usage["limits.cpu"]) == "500m"
    assert "limits.memory" not in usage


def test_the_largest_init_container_counts_when_it_is_larger():
    usage = quota.pod_usage(pod(c(requests={"cpu": "100m"}),
                                init=(c("init", requests={"cpu": "2"}),)))
    assert str(usage["requests.cpu"]) == "2"


def test_a_sidecar_adds_to_the_containers():
    sidecar = c("side", requests={"cpu": "100m"})
    sidecar["restartPolicy"] = "Always"
    usage = quota.pod_usage(pod(c(requests={"cpu": "100m"}), init=(sidecar,)))
    assert str(usage["requests.cpu"]) == "200m"


@pytest.mark.parametrize("phase", ["Succeeded", "Failed"])
def test_a_finished_pod_uses_nothing(phase):
    assert quota.pod_usage(pod(c(requests={"cpu": "1"}), phase=phase)) == {}


def test_other_kinds_count_by_name():
    usage = quota.object_usage("Deployment", "deployments", "apps", {})
    assert {k: str(v) for k, v in usage.items()} == {"count/deployments.apps": "1"}
    svc = {"spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 81}]}}
    usage = quota.object_usage("Service", "services", "", svc)
    assert {k: str(v) for k, v in usage.items()} == {
        "count/services": "1", "services": "1", "services.nodeports": "2"}


def test_check_passes_what_fits_exactly():
    hard = {"pods": q("2"), "requests.cpu": q("1")}
    used = {"pods": q("1"), "requests.cpu": q("500m")}
    assert quota.check("compute", hard, used, {"pods": q("1"), "requests.cpu": q("500m")}) \
        is None


def test_check_names_every_exceeded_resource_in_kubernetes_words():
    hard = {"pods": q("2"), "requests.cpu": q("1"), "requests.memory": q("1Gi")}
    used = {"pods": q("2"), "requests.cpu": q("900m"), "requests.memory": q("128Mi")}
    delta = {"pods": q("1"), "requests.cpu": q("200m"), "requests.memory": q("128Mi")}
    refusal = quota.check("compute", hard, used, delta)
    assert refusal is not None
    assert refusal.message == (
        "exceeded quota: compute, requested: pods=1,requests.cpu=200m, "
        "used: pods=2,requests.cpu=900m, limited: pods=2,requests.cpu=1")


def test_check_shows_zero_used_in_the_limits_format():
    refusal = quota.check("mem", {"requests.memory": q("64Mi")}, {},
                          {"requests.memory": q("128Mi")})
    assert refusal is not None
    assert refusal.message.endswith(
        "requested: requests.memory=128Mi, used: requests.memory=0, "
        "limited: requests.memory=64Mi")


def test_requests_must_be_specified_when_a_quota_constrains_them():
    hard = {"requests.cpu": q("1"), "limits.memory": q("1Gi"), "pods": q("3")}
    missing = quota.missing_requests(pod(c("web", requests={"cpu": "100m"}), c("log")), hard)
    assert missing == [("limits.memory", ["web", "log"]), ("requests.cpu", ["log"])]
    assert quota.must_specify("compute", missing).message == (
        "failed quota: compute: must specify limits.memory for: web,log; "
        "requests.cpu for: log")


def test_used_lists_every_resource_the_quota_names():
    hard = {"pods": q("5"), "requests.memory": q("1Gi"), "count/services": q("2")}
    used = quota.usage_for(hard, [quota.pod_usage(pod(c(requests={"memory": "64Mi"}))),
                                  quota.pod_usage(pod(c(requests={"memory": "64Mi"})))])
    assert {k: str(v) for k, v in used.items()} == {
        "pods": "2", "requests.memory": "128Mi", "count/services": "0"}


def test_scoped_quotas_track_only_the_pods_in_scope():
    from cluster.quota_admission import in_scope

    best_effort = {"spec": {"scopes": ["BestEffort"]}}
    high = {"spec": {"scopeSelector": {"matchExpressions": [
        {"scopeName": "PriorityClass", "operator": "In", "values": ["production"]}]}}}
    plain = pod(c())
    plain["status"]["qosClass"] = "BestEffort"
    assert in_scope(best_effort, "Pod", plain)
    assert not in_scope(best_effort, "Deployment", {})
    assert not in_scope(high, "Pod", plain)
    plain["spec"]["priorityClassName"] = "production"
    assert in_scope(high, "Pod", plain)
    assert in_scope({"spec": {"hard": {"pods": "1"}}}, "Deployment", {})
