"""Which store events queue which controller keys: the filters that spare reconciles."""
from __future__ import annotations

import copy

from cluster.controllers.routes import keys_for
from cluster.dispatch import StoreEvent

RS_OWNER = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "u1",
             "controller": True}]


def pod(**status) -> dict:
    return {"kind": "Pod", "metadata": {"namespace": "ns", "name": "p", "resourceVersion": "5",
                                        "labels": {"app": "web"}, "ownerReferences": RS_OWNER},
            "spec": {"containers": [{"name": "app", "image": "busybox"}]},
            "status": {"phase": "Pending", **status}}


def modified(old: dict, change) -> StoreEvent:
    new = copy.deepcopy(old)
    change(new)
    new["metadata"]["resourceVersion"] = str(int(old["metadata"]["resourceVersion"]) + 1)
    return StoreEvent(6, "MODIFIED", old["kind"], "ns", old["metadata"]["name"], new, old)


def controllers(event: StoreEvent) -> set[tuple[str, str]]:
    return {k for k in keys_for(event) if k[0] in ("replicaset", "deployment")}


def test_a_binding_does_not_queue_the_replicaset():
    event = modified(pod(), lambda p: p["spec"].update(nodeName="node-1"))
    assert controllers(event) == set()


def test_turning_ready_or_running_or_relabelled_queues_the_replicaset():
    ready = [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}]
    for change in (lambda p: p["status"].update(conditions=ready),
                   lambda p: p["status"].update(phase="Running"),
                   lambda p: p["metadata"]["labels"].update(app="other"),
                   lambda p: p["metadata"].update(deletionTimestamp="2026-01-01T00:00:00Z")):
        assert controllers(modified(pod(), change)) == {("replicaset", "ns/web-1")}


def test_creation_and_deletion_always_queue_the_owner():
    p = pod()
    assert controllers(StoreEvent(6, "ADDED", "Pod", "ns", "p", p, None)) == {
        ("replicaset", "ns/web-1")}
    assert controllers(StoreEvent(7, "DELETED", "Pod", "ns", "p", p, p)) == {
        ("replicaset", "ns/web-1")}


def test_a_status_write_queues_the_owner_but_not_the_replicaset_itself():
    rs = {"kind": "ReplicaSet", "metadata": {
        "namespace": "ns", "name": "web-1", "resourceVersion": "9", "generation": 1,
        "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "d1",
                             "controller": True}]},
        "spec": {"replicas": 3}, "status": {"replicas": 2}}
    status_only = modified(rs, lambda r: r["status"].update(replicas=3))
    assert controllers(status_only) == {("deployment", "ns/web")}
    scaled = modified(rs, lambda r: r["spec"].update(replicas=5))
    assert controllers(scaled) == {("deployment", "ns/web"), ("replicaset", "ns/web-1")}
