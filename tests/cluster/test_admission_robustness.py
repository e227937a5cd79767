"""Admission runs before validation: malformed pod specs must reach validation, not crash."""
from __future__ import annotations

import pytest

from cluster.admission import _qos_class


@pytest.mark.parametrize("spec", [
    {"containers": [{"name": "a", "resources": []}]},
    {"containers": [{"name": "a", "resources": {"requests": [], "limits": "x"}}]},
    {"containers": "not-a-list"},
    {"containers": [None, 3, {"name": "a"}]},
])
def test_qos_class_tolerates_wrong_types(spec):
    assert _qos_class(spec) in ("BestEffort", "Burstable", "Guaranteed")


def test_qos_class_still_classifies_guaranteed_pods():
    spec = {"containers": [{"name": "a", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}
    assert _qos_class(spec) == "Guaranteed"
