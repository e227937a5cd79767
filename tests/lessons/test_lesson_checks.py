"""The check language without a cluster: field paths, per-object tests, default texts."""
from __future__ import annotations

from dashboard.lesson_checks import MISSING, _passes, describe, field_value, plain

POD = {"metadata": {"name": "web-1", "labels": {"app": "web"}},
       "spec": {"nodeName": "node-1", "containers": [{"name": "web", "image": "hello:1"}]},
       "status": {"phase": "Running", "podIP": "10.0.0.5",
                  "conditions": [{"type": "Ready", "status": "True"}],
                  "used": {"requests.cpu": "5"}}}


def test_field_paths_reach_lists_and_dotted_keys():
    assert field_value(POD, "spec.containers[0].image") == "hello:1"
    assert field_value(POD, 'status.used["requests.cpu"]') == "5"
    assert field_value(POD, "spec.containers[1].image") is MISSING


def test_an_object_passes_only_every_test_of_the_check():
    assert _passes(POD, {"phase": "Running", "ready": True, "exists": ["status.podIP"],
                         "fields": {"spec.nodeName": "node-1"},
                         "absent": ["metadata.deletionTimestamp"]})
    assert not _passes(POD, {"phase": "Pending"})
    assert not _passes(POD, {"ready": False})
    assert not _passes(POD, {"conditions": {"PodScheduled": "False"}})
    assert not _passes(POD, {"absent": ["status.podIP"]})


def test_the_default_text_says_what_is_expected_in_vocabulary_words():
    text = describe({"kind": "Pod", "selector": "app=web", "phase": "Running",
                     "ready": True, "count": 3})
    assert text == "3 [[pod|s]] with app=web Running and Ready"
    assert plain(text) == "3 pods with app=web Running and Ready"
    assert describe({"kind": "Lease", "max": 2}) == "at most 2 Leases"
