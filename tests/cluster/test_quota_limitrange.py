"""LimitRange without a server: its own defaults, pod defaulting, min/max/ratio refusals."""
from __future__ import annotations

import pytest

from cluster import limitrange
from cluster.errors import Forbidden
from cluster.validation import apply_defaults, validate


def lr(*items: dict) -> dict:
    return {"apiVersion": "v1", "kind": "LimitRange",
            "metadata": {"name": "limits", "namespace": "s"}, "spec": {"limits": list(items)}}


def pod(*containers: dict) -> dict:
    return {"metadata": {"name": "p", "namespace": "s"}, "spec": {"containers": list(containers)}}


def c(name: str = "app", **resources: dict) -> dict:
    return {"name": name, "image": "busybox", "resources": resources}


def test_a_limitrange_defaults_limit_to_max_and_request_to_limit():
    obj = lr({"type": "Container", "max": {"cpu": "1"}, "min": {"memory": "16Mi"}})
    apply_defaults("LimitRange", obj)
    item = obj["spec"]["limits"][0]
    assert item["default"] == {"cpu": "1"}
    assert item["defaultRequest"] == {"cpu": "1", "memory": "16Mi"}


def test_a_limitrange_keeps_what_it_was_given():
    obj = lr({"type": "Container", "default": {"cpu": "500m"},
              "defaultRequest": {"cpu": "100m"}, "max": {"cpu": "2"}})
    apply_defaults("LimitRange", obj)
    assert obj["spec"]["limits"][0]["default"] == {"cpu": "500m"}
    assert obj["spec"]["limits"][0]["defaultRequest"] == {"cpu": "100m"}


def test_containers_get_the_default_requests_and_limits():
    ranges = [lr({"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"},
                  "defaultRequest": {"cpu": "100m", "memory": "64Mi"}})]
    p = pod(c("a"), c("b", requests={"cpu": "300m"}, limits={"memory": "128Mi"}))
    limitrange.apply_defaults(p, ranges)
    a, b = (x["resources"] for x in p["spec"]["containers"])
    assert a == {"requests": {"cpu": "100m", "memory": "64Mi"},
                 "limits": {"cpu": "500m", "memory": "256Mi"}}
    assert b == {"requests": {"cpu": "300m", "memory": "64Mi"},
                 "limits": {"cpu": "500m", "memory": "128Mi"}}


def test_pods_in_a_namespace_without_limitranges_are_left_alone():
    p = pod(c("a"))
    limitrange.apply_defaults(p, [])
    assert p["spec"]["containers"][0]["resources"] == {}


def test_a_container_over_max_is_refused_with_kubernetes_words():
    ranges = [lr({"type": "Container", "max": {"cpu": "500m"}, "min": {"memory": "32Mi"}})]
    p = pod(c(requests={"cpu": "1", "memory": "16Mi"}, limits={"cpu": "1", "memory": "16Mi"}))
    with pytest.raises(Forbidden) as err:
        limitrange.enforce(p, ranges)
    assert err.value.message == (
        'pods "p" is forbidden: [minimum memory usage per Container is 32Mi, but request is '
        "16Mi, maximum cpu usage per Container is 500m, but limit is 1]")


def test_max_needs_a_limit():
    ranges = [lr({"type": "Container", "max": {"memory": "1Gi"}})]
    with pytest.raises(Forbidden) as err:
        limitrange.enforce(pod(c(requests={"memory": "64Mi"})), ranges)
    assert err.value.message.endswith(
        "maximum memory usage per Container is 1Gi.  No limit is specified")


def test_a_pod_item_checks_the_sum_of_containers():
    ranges = [lr({"type": "Pod", "max": {"cpu": "1"}})]
    p = pod(c("a", limits={"cpu": "600m"}), c("b", limits={"cpu": "600m"}))
    with pytest.raises(Forbidden) as err:
        limitrange.enforce(p, ranges)
    assert "maximum cpu usage per Pod is 1, but limit is 1200m" in err.value.message


def test_ratio_over_the_maximum_is_refused():
    ranges = [lr({"type": "Container", "maxLimitRequestRatio": {"cpu": "2"}})]
    p = pod(c(requests={"cpu": "100m"}, limits={"cpu": "500m"}))
    with pytest.raises(Forbidden) as err:
        limitrange.enforce(p, ranges)
    assert "cpu max limit to request ratio per Container is 2, but provided ratio is " \
           "5.000000" in err.value.message


def test_within_bounds_passes():
    ranges = [lr({"type": "Container", "max": {"cpu": "1"}, "min": {"cpu": "100m"}})]
    limitrange.enforce(pod(c(requests={"cpu": "200m"}, limits={"cpu": "1"})), ranges)


def test_validation_refuses_crossed_bounds_and_pod_defaults():
    obj = lr({"type": "Container", "min": {"cpu": "2"}, "max": {"cpu": "1"}},
             {"type": "Pod", "default": {"cpu": "1"}}, {"type": "Disk"})
    causes = validate("LimitRange", obj)
    fields = {(x["field"], x["message"]) for x in causes}
    assert ("spec.limits[0].max[cpu]",
            'Invalid value: "1": min value 2 is greater than max value 1') in fields
    assert any(f == "spec.limits[1].default" for f, _ in fields)
    assert any(f == "spec.limits[2].type" and m.startswith("Unsupported value")
               for f, m in fields)


def test_resourcequota_validation_checks_names_and_quantities():
    obj = {"apiVersion": "v1", "kind": "ResourceQuota",
           "metadata": {"name": "q", "namespace": "s"},
           "spec": {"hard": {"pods": "10", "requests.cpu": "2", "count/deployments.apps": "3",
                             "bogus": "1", "memory": "-1Gi"}, "scopes": ["Sometimes"]}}
    fields = {x["field"] for x in validate("ResourceQuota", obj)}
    assert fields == {"spec.hard[bogus]", "spec.hard[memory]", "spec.scopes[0]"}
