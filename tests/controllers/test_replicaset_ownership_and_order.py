"""Surplus pods go in Kubernetes' order; matching orphans are adopted; bursts of events
never make more pods than desired."""
from __future__ import annotations

import threading

from tests.controllers.helpers import active, ready, replicaset, wait_for

RS = "/apis/apps/v1/namespaces/{ns}/replicasets"


def _scale(api, ns, name, n):
    code, body = api.call("PATCH", RS.format(ns=ns) + f"/{name}",
                          {"spec": {"replicas": n}}, patch="merge-patch")
    assert code == 200, body


def _cordon(api, value: bool) -> None:
    """Mark every node (un)schedulable, so the scheduler leaves new pods unbound."""
    for node in api.call("GET", "/api/v1/nodes")[1]["items"]:
        api.call("PATCH", f"/api/v1/nodes/{node['metadata']['name']}",
                 {"spec": {"unschedulable": value or None}}, patch="merge-patch")


def test_scaling_down_deletes_unscheduled_pods_before_ready_ones(api, ns):
    api.call("POST", RS.format(ns=ns), replicaset("order", 2))
    wait_for(lambda: len(ready(api.pods(ns))) == 2, "2 ready pods")
    first = {p["metadata"]["name"] for p in ready(api.pods(ns))}
    _cordon(api, True)
    try:
        _scale(api, ns, "order", 4)
        wait_for(lambda: len(active(api.pods(ns))) == 4, "4 pods")
        assert [p for p in active(api.pods(ns)) if not p["spec"].get("nodeName")]
        _scale(api, ns, "order", 2)
        wait_for(lambda: len(active(api.pods(ns))) == 2, "back to 2 pods")
    finally:
        _cordon(api, False)
    assert {p["metadata"]["name"] for p in active(api.pods(ns))} == first


def test_a_matching_orphan_is_adopted(api, ns):
    code, _ = api.call("POST", f"/api/v1/namespaces/{ns}/pods", {
        "metadata": {"name": "stray", "labels": {"app": "adopt"}},
        "spec": {"containers": [{"name": "a", "image": "busybox"}]}})
    assert code == 201
    api.call("POST", RS.format(ns=ns), replicaset("adopt", 2))
    wait_for(lambda: len(ready(api.pods(ns))) == 2, "2 ready pods")
    stray = api.call("GET", f"/api/v1/namespaces/{ns}/pods/stray")[1]
    assert stray["metadata"]["ownerReferences"][0]["name"] == "adopt"
    assert len(active(api.pods(ns))) == 2


def test_concurrent_events_never_make_more_pods_than_desired(api, ns):
    most = [0]
    stop = threading.Event()

    def watch_count():
        while not stop.is_set():
            most[0] = max(most[0], len(active(api.pods(ns))))

    watcher = threading.Thread(target=watch_count, daemon=True)
    watcher.start()
    api.call("POST", RS.format(ns=ns), replicaset("burst", 5))

    def poke(i):  # many writes to the ReplicaSet at once: many events, one key
        api.call("PATCH", RS.format(ns=ns) + "/burst",
                 {"metadata": {"annotations": {"poke": str(i)}}}, patch="merge-patch")
    threads = [threading.Thread(target=poke, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wait_for(lambda: len(ready(api.pods(ns))) == 5, "5 ready pods")
    doomed = [p["metadata"]["name"] for p in api.pods(ns)[:2]]
    deleters = [threading.Thread(target=api.call, args=(
        "DELETE", f"/api/v1/namespaces/{ns}/pods/{n}")) for n in doomed]
    for t in deleters:
        t.start()
    for t in deleters:
        t.join()
    wait_for(lambda: len(ready(api.pods(ns))) == 5, "5 ready pods again")
    stop.set()
    watcher.join()
    assert most[0] == 5
