"""While paused, a step lets exactly one parked reconcile through (runtime.grant_step),
and Deployments/ReplicaSets keep their recent records for the dashboard. In-process:
the runtime against the session's own Redis DB, with a stand-in reconcile function."""
from __future__ import annotations

import json

import pytest

from cluster.controllers import runtime, switches
from cluster.events import redis_client

KEY = "ns-step/web"


@pytest.fixture
def paused(monkeypatch):
    state = {"paused": True}
    monkeypatch.setattr(switches, "current",
                        lambda: switches.Switches(paused=state["paused"]))
    calls: list[str] = []
    monkeypatch.setattr(runtime, "_reconciler",
                        lambda controller: lambda key: calls.append(key) or runtime.Outcome(
                            desired=3, observed=1, actions=["scale up"]))
    queued: list[tuple[str, str]] = []
    monkeypatch.setattr(runtime, "enqueue",
                        lambda controller, key, delay=0.0: queued.append((controller, key))
                        or True)
    r = redis_client()
    names = [runtime.PARKED, runtime.STEPS, runtime.recent_key("replicaset", KEY)]
    r.delete(*names)
    yield state, calls, queued
    r.delete(*names)


def test_a_paused_key_is_parked_and_not_reconciled(paused):
    _, calls, _ = paused
    assert runtime.run("replicaset", KEY) == "parked"
    assert calls == []
    assert ("replicaset", KEY) in runtime.parked()


def test_a_step_lets_exactly_one_reconcile_through(paused):
    _, calls, queued = paused
    runtime.run("replicaset", KEY)
    got = runtime.grant_step([("deployment", "ns-step/other"), ("replicaset", KEY)])
    assert got == ("replicaset", KEY), "the first candidate is not parked: the second is"
    assert queued == [("replicaset", KEY)]
    assert runtime.parked() == []
    assert runtime.run("replicaset", KEY) == "done"
    assert runtime.run("replicaset", KEY) == "parked", "one step, one reconcile"
    assert calls == [KEY]
    newest = json.loads(redis_client().lindex(runtime.recent_key("replicaset", KEY), 0))
    assert newest["stepped"] is True and newest["actions"] == ["scale up"]


def test_nothing_is_granted_when_nothing_waits(paused):
    assert runtime.grant_step([("replicaset", KEY)]) is None
    assert runtime.grant_step() is None
    assert not redis_client().exists(runtime.STEPS)


def test_a_step_for_any_key_takes_one_parked_key(paused):
    _, calls, _ = paused
    runtime.run("replicaset", KEY)
    assert runtime.grant_step() == ("replicaset", KEY)
    assert runtime.run("replicaset", KEY) == "done"
    assert calls == [KEY]


def test_resuming_forgets_unused_steps(paused):
    state, calls, queued = paused
    runtime.run("replicaset", KEY)
    runtime.grant_step()
    state["paused"] = False
    runtime.unpark()
    assert not redis_client().exists(runtime.STEPS)
    state["paused"] = True
    assert runtime.run("replicaset", KEY) == "parked"
    assert calls == []
