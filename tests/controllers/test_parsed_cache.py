"""The controllers' parsed-object cache, in process (the session's private database): an
unchanged pod is not parsed again, a changed one is read at its new resourceVersion,
a deleted one is gone, and a new one appears."""
from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def ns(monkeypatch) -> str:
    from django.core.management import call_command

    from cluster import dispatch, store
    from cluster.controllers import parsed_cache

    call_command("migrate", verbosity=0)
    monkeypatch.setattr(dispatch, "_routes", [])  # no controller queues from this test
    parsed_cache.forget()
    name = "pc" + uuid.uuid4().hex[:8]
    store.create("Namespace", {"metadata": {"name": name}})
    return name


def _pod(ns: str, name: str) -> dict:
    return {"metadata": {"name": name, "namespace": ns, "labels": {"v": "1"}},
            "spec": {"containers": [{"name": "app", "image": "busybox"}]}}


def test_only_changed_pods_are_parsed_again(ns, monkeypatch):
    from cluster import store
    from cluster.controllers import parsed_cache
    from cluster.models import Pod

    for name in ("a", "b", "c"):
        store.create("Pod", _pod(ns, name))
    parsed: list[str] = []
    real_loads = parsed_cache.loads

    def counting_loads(text):
        obj = real_loads(text)
        parsed.append(obj["metadata"]["name"])
        return obj
    monkeypatch.setattr(parsed_cache, "loads", counting_loads)
    rows = Pod.objects.filter(namespace=ns)

    first = parsed_cache.bodies(rows)
    assert sorted(parsed) == ["a", "b", "c"]
    assert [p["metadata"]["name"] for p in first] == ["a", "b", "c"]

    parsed.clear()
    assert [p["metadata"]["name"] for p in parsed_cache.bodies(rows)] == ["a", "b", "c"]
    assert parsed == []  # nothing changed: nothing parsed

    def relabel(pod: dict) -> dict:
        pod["metadata"]["labels"] = {"v": "2"}
        return pod
    store.mutate("Pod", ns, "b", relabel)
    store.delete("Pod", ns, "c", grace_seconds=0)
    store.create("Pod", _pod(ns, "d"))
    parsed.clear()
    now = {p["metadata"]["name"]: p for p in parsed_cache.bodies(rows)}
    assert sorted(parsed) == ["b", "d"]
    assert sorted(now) == ["a", "b", "d"]
    assert now["b"]["metadata"]["labels"] == {"v": "2"}
