"""store_batch.create_many against ResourceQuota, in process (the session's private
database): a batch is charged as if its objects were created one by one, so it never
goes over a quota, refuses each object that does not fit in Kubernetes' words, and
commits the ones before it; admission and namespace refusals stay per object."""
from __future__ import annotations

import uuid

import pytest

from cluster.errors import ApiError, Forbidden, NotFound


@pytest.fixture
def ns(monkeypatch) -> str:
    from django.core.management import call_command

    from cluster import dispatch, store

    call_command("migrate", verbosity=0)
    monkeypatch.setattr(dispatch, "_routes", [])  # no controller queues from this test
    name = "cm" + uuid.uuid4().hex[:8]
    store.create("Namespace", {"metadata": {"name": name}})
    return name


def _quota(ns: str, hard: dict) -> None:
    from cluster import store

    store.create("ResourceQuota", {"metadata": {"name": "compute", "namespace": ns},
                                   "spec": {"hard": hard}})


def _pod(ns: str, cpu: str = "100m", name: str = "") -> dict:
    m = {"namespace": ns, **({"name": name} if name else {"generateName": "p-"})}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": m,
            "spec": {"containers": [{"name": "app", "image": "busybox", "resources": {
                "requests": {"cpu": cpu, "memory": "16Mi"}}}]}}


def _stored(ns: str) -> int:
    from cluster import store

    return len(store.list_objects("Pod", ns).items)


def test_a_count_quota_takes_the_first_pods_and_refuses_the_rest(ns):
    from cluster import store, store_batch

    _quota(ns, {"pods": "3"})
    store.create("Pod", _pod(ns))
    results = store_batch.create_many("Pod", [_pod(ns) for _ in range(4)])
    assert [isinstance(r, dict) for r in results] == [True, True, False, False]
    assert isinstance(results[2], Forbidden)
    assert "exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3" \
        in results[2].message
    assert _stored(ns) == 3


def test_a_compute_quota_counts_the_batch_itself(ns):
    from cluster import store_batch

    _quota(ns, {"requests.cpu": "500m"})
    results = store_batch.create_many("Pod", [_pod(ns, cpu) for cpu in
                                              ("200m", "200m", "200m", "100m")])
    # 200 + 200 fit, a third 200 would make 600: refused; 100 then fits (500 in all).
    assert [isinstance(r, dict) for r in results] == [True, True, False, True]
    assert "requested: requests.cpu=200m, used: requests.cpu=400m, " \
        "limited: requests.cpu=500m" in results[2].message
    assert _stored(ns) == 3


def test_missing_requests_and_invalid_pods_are_refused_alone(ns):
    from cluster import store_batch

    _quota(ns, {"requests.cpu": "1"})
    bare = _pod(ns)
    del bare["spec"]["containers"][0]["resources"]
    invalid = _pod(ns, name="Not_A_Name")
    results = store_batch.create_many("Pod", [bare, invalid, _pod(ns)])
    assert "must specify requests.cpu" in results[0].message
    assert isinstance(results[1], ApiError) and results[1].code == 422
    assert isinstance(results[2], dict)
    assert _stored(ns) == 1


def test_a_missing_namespace_refuses_its_objects_only(ns):
    from cluster import store_batch

    results = store_batch.create_many("Pod", [_pod("nowhere-" + ns), _pod(ns)])
    assert isinstance(results[0], NotFound)
    assert isinstance(results[1], dict) and results[1]["metadata"]["resourceVersion"]
