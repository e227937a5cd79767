"""Batched scheduling in process, against the session's private database and Redis DB: a
batch binds every pod at most once, never over-commits a node (each placement is
reserved in the snapshot before the next pod's cycle), and a binding refused because
the pod got a node meanwhile is dropped alone and requeued."""
from __future__ import annotations

import json
import uuid

import pytest

from tests.scheduler.helpers import assert_not_overcommitted
from tests.scheduler.helpers import node as node_body
from tests.scheduler.helpers import pod as pod_body


@pytest.fixture
def batch_env(monkeypatch):
    """Migrated store, no event routes (this test drives the queue itself), a fresh
    scheduler state, and a label only this test's nodes carry."""
    from django.core.management import call_command

    from cluster import dispatch, store
    from scheduler import queue, worker

    call_command("migrate", verbosity=0)
    monkeypatch.setattr(dispatch, "_routes", [])
    tag = "b" + uuid.uuid4().hex[:6]
    store.create("Namespace", {"metadata": {"name": tag}})
    queue.clear()
    worker.reset()
    yield tag
    queue.clear()
    worker.reset()


def _nodes(tag: str, count: int, cpu: str) -> list[str]:
    from cluster import store

    names = [f"{tag}-n{i}" for i in range(count)]
    for name in names:
        store.create("Node", node_body(name, cpu=cpu, memory="8Gi", labels={"batch": tag}))
    return names


def _pods(tag: str, count: int, cpu: str) -> list[str]:
    from cluster import store
    from scheduler import kick, queue

    keys = []
    for i in range(count):
        body = pod_body(f"p{i}", cpu, "64Mi", namespace=tag, nodeSelector={"batch": tag})
        body["metadata"].pop("uid")
        obj = store.create("Pod", body)
        keys.append(kick.pod_key(obj))
        queue.add(keys[-1], 0, kick.created_ms(obj))
    return keys


def _state(tag: str) -> tuple[list[dict], list[dict]]:
    from cluster.models import Node, Pod

    nodes = [json.loads(b) for b in Node.objects.filter(name__startswith=f"{tag}-")
             .values_list("body", flat=True)]
    pods = [json.loads(b) for b in Pod.objects.filter(namespace=tag)
            .values_list("body", flat=True)]
    return nodes, pods


def test_a_batch_binds_each_pod_once_and_never_overcommits_a_node(batch_env):
    from cluster.models import Event, WatchEvent
    from scheduler import queue, worker

    tag = batch_env
    _nodes(tag, 2, cpu="1")
    keys = _pods(tag, 5, cpu="400m")  # 2 fit per node: 4 bind, the 5th cannot
    popped = queue.pop_many(50)
    assert sorted(popped) == sorted(keys)
    report = worker.schedule_batch(popped + popped[:2])  # a key twice is scheduled once

    assert report.outcomes == {"bound": 4, "unschedulable": 1}
    assert len(report.bound) == len(set(report.bound)) == 4
    nodes, pods = _state(tag)
    assert_not_overcommitted(nodes, pods)
    bound = [p for p in pods if p["spec"].get("nodeName")]
    assert len(bound) == 4
    for p in bound:
        name = p["metadata"]["name"]
        bindings = [e for e in WatchEvent.objects.filter(kind="Pod", namespace=tag, name=name)
                    if json.loads(e.body)["spec"].get("nodeName")]
        assert len(bindings) == 1, f"{name} was bound {len(bindings)} times"
        decision = json.loads(p["metadata"]["annotations"]["scheduler.kubelab.io/decision"])
        assert decision["node"] == p["spec"]["nodeName"]
        assert Event.objects.filter(namespace=tag, name__startswith=f"{name}.").count() == 1
    from cluster.models import Pod
    for row in Pod.objects.filter(namespace=tag):  # the batched UPDATE kept columns right
        body = json.loads(row.body)
        assert row.node_name == (body["spec"].get("nodeName") or "")
        assert row.resource_version == int(body["metadata"]["resourceVersion"])
        assert row.labels == body["metadata"].get("labels", {})
    pending = next(p for p in pods if not p["spec"].get("nodeName"))
    condition = next(c for c in pending["status"]["conditions"] if c["type"] == "PodScheduled")
    assert "Insufficient cpu" in condition["message"]
    why = json.loads(pending["metadata"]["annotations"]["scheduler.kubelab.io/decision"])
    # Both of this test's nodes lack cpu; the session's other nodes (other tests') fail the
    # pod's nodeSelector or a taint first, so only this reason's count is this test's.
    assert why["node"] is None and why["rejections"]["Insufficient cpu"] == 2
    assert queue.sizes()["inflight"] == 0 and queue.sizes()["parked"] == 1


def test_a_batch_hands_the_binder_each_decision_as_json_text(batch_env, monkeypatch):
    """Serialised when its cycle ends, not kept as dicts until the batch commits."""
    from scheduler import binder, queue, worker

    tag = batch_env
    _nodes(tag, 2, cpu="4")
    _pods(tag, 3, cpu="100m")
    handed: list[binder.Binding] = []
    bind_many = binder.bind_many

    def spy(bindings, events=True):
        handed.extend(bindings)
        return bind_many(bindings, events)
    monkeypatch.setattr(binder, "bind_many", spy)
    assert worker.schedule_batch(queue.pop_many(50)).outcomes == {"bound": 3}
    assert len(handed) == 3
    for b in handed:
        assert isinstance(b.decision, str)
        assert json.loads(b.decision)["node"] == b.node


def test_a_refused_binding_drops_only_that_pod_and_requeues_it(batch_env, monkeypatch):
    from cluster import store
    from scheduler import binder, queue, worker

    tag = batch_env
    first, second = _nodes(tag, 2, cpu="4")
    keys = _pods(tag, 3, cpu="100m")
    popped = queue.pop_many(50)
    stale = worker._read(popped)
    # Another scheduler binds p1 after this batch read it (the conditional write refuses).
    ns, _, name = keys[1].partition("/")
    binder.bind(ns, name, stale[keys[1]]["metadata"]["uid"], second, None)
    fresh_read = worker._read
    monkeypatch.setattr(worker, "_read", lambda _keys: stale)

    report = worker.schedule_batch(popped)

    assert report.outcomes == {"bound": 2, "conflict": 1}
    assert sorted(report.bound) == sorted([keys[0], keys[2]])
    assert store.get("Pod", ns, name)["spec"]["nodeName"] == second  # left as it was
    assert keys[1] not in worker.current_snapshot().pod_node \
        or worker.current_snapshot().pod_node[keys[1]] == second  # reservation undone
    monkeypatch.setattr(worker, "_read", fresh_read)
    again = queue.pop_many(50)
    assert again == [keys[1]]  # requeued alone; a fresh look finds it bound
    assert worker.schedule_batch(again).outcomes == {"not-pending": 1}
    nodes, pods = _state(tag)
    assert_not_overcommitted(nodes, pods)
    assert {p["spec"]["nodeName"] for p in pods} <= {first, second}
