"""The chaos run's dashboard check: a socket's view compared with the store's lists."""
from __future__ import annotations

from cluster.runner.chaos_watcher import DashboardWatcher


def obj(kind: str, name: str, rv: int) -> dict:
    return {"kind": kind, "metadata": {"namespace": "ns", "name": name,
                                       "resourceVersion": str(rv)}}


class Lists:
    """Answers the API lists the check reads: pods as given, no Deployments or RSs."""

    def __init__(self, pods: list[dict], at: int) -> None:
        self.pods, self.at = pods, at

    def call(self, method: str, path: str):
        items = self.pods if path.endswith("/pods") else []
        return 200, {"metadata": {"resourceVersion": str(self.at)}, "items": items}


def watcher_with(*events: dict) -> DashboardWatcher:
    w = DashboardWatcher("http://127.0.0.1:1", "token")
    w._snapshot({"rv": 10, "objects": [obj("Pod", "a", 5), obj("Pod", "b", 9)]})
    w._apply(list(events))
    return w


def test_a_view_that_followed_every_event_agrees():
    w = watcher_with({"rev": 11, "type": "MODIFIED", "kind": "Pod", "object": obj("Pod", "a", 11)},
                     {"rev": 12, "type": "DELETED", "kind": "Pod", "object": obj("Pod", "b", 12)},
                     {"rev": 13, "type": "ADDED", "kind": "Pod", "object": obj("Pod", "c", 13)})
    assert w.disagreements(Lists([obj("Pod", "a", 11), obj("Pod", "c", 13)], 13), "ns", 0) == []


def test_a_missed_event_shows_as_a_difference():
    w = watcher_with({"rev": 11, "type": "MODIFIED", "kind": "Pod", "object": obj("Pod", "a", 11)})
    problems = w.disagreements(Lists([obj("Pod", "a", 11), obj("Pod", "c", 13)], 13), "ns", 0)
    assert problems[:2] == ["Pod c is in the store but not on the dashboard",
                            "Pod b is on the dashboard but not in the store"]


def test_a_stale_object_and_replayed_events_are_told_apart():
    w = watcher_with({"rev": 9, "type": "DELETED", "kind": "Pod", "object": obj("Pod", "b", 9)})
    assert "b" in {k[2] for k in w.objects}  # an old event replayed after the snapshot
    problems = w.disagreements(Lists([obj("Pod", "a", 7), obj("Pod", "b", 9)], 12), "ns", 0)
    assert problems[0] == "Pod a: the dashboard shows resourceVersion 5, the store 7"


def test_changes_after_the_list_was_read_are_not_differences():
    w = watcher_with({"rev": 14, "type": "ADDED", "kind": "Pod", "object": obj("Pod", "d", 14)},
                     {"rev": 15, "type": "DELETED", "kind": "Pod", "object": obj("Pod", "b", 15)})
    assert w.disagreements(Lists([obj("Pod", "a", 5), obj("Pod", "b", 9)], 13), "ns", 0) == []
