"""Validation of status-subresource writes: status is type-checked (and Node quantities
checked), while the metadata and spec, which such a write cannot change, are not
walked again."""
from __future__ import annotations

from cluster.validation import validate, validate_status


def test_a_status_field_of_the_wrong_type_is_refused_with_its_path():
    causes = validate_status("Deployment", {"status": {"replicas": "three"}}, {})
    assert [c["field"] for c in causes] == ["status.replicas"]


def test_node_status_quantities_are_still_checked():
    node = {"metadata": {"name": "n"}, "status": {"capacity": {"cpu": "lots"}}}
    causes = validate_status("Node", node, {"metadata": {"name": "n"}})
    assert [c["field"] for c in causes] == ["status.capacity[cpu]"]


def test_the_unchangeable_spec_is_not_walked_again():
    # A spec the full validation refuses: a status write carries the stored spec along,
    # so only a full write may be refused for it.
    pod = {"metadata": {"name": "p", "namespace": "d"},
           "spec": {"containers": [{"name": "Bad_Name", "image": "busybox"}]},
           "status": {"phase": "Running"}}
    assert validate("Pod", pod)
    assert validate_status("Pod", pod, pod) == []
