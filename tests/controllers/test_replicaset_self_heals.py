"""A ReplicaSet keeps its replica count: deleted pods are replaced, status is full."""
from __future__ import annotations

from tests.controllers.helpers import active, ready, replicaset, wait_for


def _status(api, ns, name):
    return api.call("GET", f"/apis/apps/v1/namespaces/{ns}/replicasets/{name}")[1]["status"]


def test_it_creates_pods_and_reports_status(api, ns):
    code, body = api.call("POST", f"/apis/apps/v1/namespaces/{ns}/replicasets",
                          replicaset("web", 3))
    assert code == 201, body
    wait_for(lambda: len(ready(api.pods(ns))) == 3, "3 ready pods")
    status = wait_for(lambda: (s := _status(api, ns, "web")).get("availableReplicas") == 3
                      and s, "status")
    assert status["replicas"] == 3 and status["readyReplicas"] == 3
    assert status["fullyLabeledReplicas"] == 3 and status["observedGeneration"] == 1
    pods = api.pods(ns)
    assert all(p["metadata"]["ownerReferences"][0]["name"] == "web" for p in pods)
    assert all(p["metadata"]["name"].startswith("web-") for p in pods)


def test_a_deleted_pod_is_replaced(api, ns):
    api.call("POST", f"/apis/apps/v1/namespaces/{ns}/replicasets", replicaset("heal", 3))
    wait_for(lambda: len(ready(api.pods(ns))) == 3, "3 ready pods")
    victim = api.pods(ns)[0]["metadata"]["name"]
    api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/{victim}")
    wait_for(lambda: len(ready(api.pods(ns))) == 3 and victim not in
             [p["metadata"]["name"] for p in api.pods(ns)], "a replacement", timeout=10)
    assert len(active(api.pods(ns))) == 3


def test_it_records_events(api, ns):
    api.call("POST", f"/apis/apps/v1/namespaces/{ns}/replicasets", replicaset("ev", 2))
    events = wait_for(lambda: [e for e in api.call("GET", f"/api/v1/namespaces/{ns}/events")[1]
                               ["items"] if e["reason"] == "SuccessfulCreate"], "events")
    assert events[0]["source"]["component"] == "replicaset-controller"
    assert events[0]["involvedObject"]["kind"] == "ReplicaSet"
