"""Deployments: rolling update within maxSurge/maxUnavailable, Recreate, rollback,
pause, scaling, and the status `kubectl rollout status` reads."""
from __future__ import annotations

import threading

from tests.controllers.helpers import active, deployment, ready, wait_for

DEP = "/apis/apps/v1/namespaces/{ns}/deployments"


def _get(api, ns, name):
    return api.call("GET", DEP.format(ns=ns) + f"/{name}")[1]


def _patch(api, ns, name, body):
    code, out = api.call("PATCH", DEP.format(ns=ns) + f"/{name}", body, patch="merge-patch")
    assert code == 200, out
    return out


def _images(pods):
    return sorted(p["spec"]["containers"][0]["image"] for p in pods)


def _complete(api, ns, name, replicas):
    d = _get(api, ns, name)
    s = d.get("status") or {}
    return (s.get("observedGeneration") == d["metadata"]["generation"]
            and s.get("updatedReplicas") == replicas and s.get("replicas") == replicas
            and s.get("availableReplicas") == replicas) and d


def test_a_rolling_update_stays_within_surge_and_unavailability(api, ns):
    spec = {"strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}}
    api.call("POST", DEP.format(ns=ns), deployment("roll", 4, "app:v1", **spec))
    wait_for(lambda: _complete(api, ns, "roll", 4), "first rollout")
    samples: list[tuple[int, int]] = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            pods = api.pods(ns)
            samples.append((len(active(pods)), len(ready(pods))))

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _patch(api, ns, "roll", {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "app:v2"}]}}}})
    wait_for(lambda: _complete(api, ns, "roll", 4) and
             _images(active(api.pods(ns))) == ["app:v2"] * 4, "rollout to v2")
    stop.set()
    t.join()
    assert max(a for a, _ in samples) <= 5, samples  # replicas + maxSurge
    assert min(r for _, r in samples) >= 3, samples  # replicas - maxUnavailable
    d = _get(api, ns, "roll")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    conds = {c["type"]: c for c in d["status"]["conditions"]}
    assert conds["Progressing"]["reason"] == "NewReplicaSetAvailable"
    assert conds["Available"]["status"] == "True"


def test_recreate_stops_old_pods_before_starting_new_ones(api, ns):
    api.call("POST", DEP.format(ns=ns), deployment("rec", 3, "app:v1",
                                                  strategy={"type": "Recreate"}))
    wait_for(lambda: _complete(api, ns, "rec", 3), "first rollout")
    mixed = [False]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            if len(set(_images(active(api.pods(ns))))) > 1:
                mixed[0] = True

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _patch(api, ns, "rec", {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "app:v2"}]}}}})
    wait_for(lambda: _complete(api, ns, "rec", 3) and
             _images(active(api.pods(ns))) == ["app:v2"] * 3, "rollout to v2")
    stop.set()
    t.join()
    assert not mixed[0]


def test_scaling_three_to_ten_to_zero(api, ns):
    api.call("POST", DEP.format(ns=ns), deployment("sc", 3))
    wait_for(lambda: _complete(api, ns, "sc", 3), "3 replicas")
    _patch(api, ns, "sc", {"spec": {"replicas": 10}})
    wait_for(lambda: _complete(api, ns, "sc", 10) and len(ready(api.pods(ns))) == 10, "10")
    _patch(api, ns, "sc", {"spec": {"replicas": 0}})
    wait_for(lambda: _complete(api, ns, "sc", 0) and not active(api.pods(ns)), "0")


def test_a_paused_deployment_does_not_roll_until_resumed(api, ns):
    api.call("POST", DEP.format(ns=ns), deployment("pz", 2, "app:v1"))
    wait_for(lambda: _complete(api, ns, "pz", 2), "first rollout")
    _patch(api, ns, "pz", {"spec": {"paused": True}})
    _patch(api, ns, "pz", {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "app:v2"}]}}}})
    cond = wait_for(lambda: next((c for c in (_get(api, ns, "pz").get("status") or {})
                                  .get("conditions", []) if c["type"] == "Progressing"
                                  and c["reason"] == "DeploymentPaused"), None), "paused")
    assert cond["status"] == "Unknown"
    assert _images(active(api.pods(ns))) == ["app:v1"] * 2
    _patch(api, ns, "pz", {"spec": {"paused": False}})
    wait_for(lambda: _complete(api, ns, "pz", 2) and
             _images(active(api.pods(ns))) == ["app:v2"] * 2, "rollout after resume")


def test_history_is_pruned_to_the_revision_limit(api, ns):
    api.call("POST", DEP.format(ns=ns), deployment("hist", 1, "app:v0",
                                                  revisionHistoryLimit=1))
    wait_for(lambda: _complete(api, ns, "hist", 1), "first rollout")
    for v in range(1, 4):
        _patch(api, ns, "hist", {"spec": {"template": {"spec": {"containers": [
            {"name": "app", "image": f"app:v{v}"}]}}}})
        wait_for(lambda v=v: _complete(api, ns, "hist", 1) and
                 _images(active(api.pods(ns))) == [f"app:v{v}"], f"v{v}")
    rss = wait_for(lambda: len(r := api.call("GET", f"/apis/apps/v1/namespaces/{ns}/replicasets")
                               [1]["items"]) == 2 and r, "history of 1 + current")
    revisions = sorted(int(r["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
                       for r in rss)
    assert revisions == [3, 4]
