"""Namespace controller: a Terminating namespace is emptied, then removed.

Workloads go first (so their controllers stop making pods), then everything else,
pods with no grace (their namespace is going). Objects held by finalizers stay until
those are removed; the namespace waits for them, polling.
"""
from __future__ import annotations

import json

from cluster import store
from cluster.controllers import runtime
from cluster.errors import NotFound
from cluster.resources import RESOURCES

POLL_SECONDS = 0.5
_FIRST = ("Deployment", "ReplicaSet")
ORDER = [r for k in _FIRST for r in RESOURCES if r.kind == k] + \
    [r for r in RESOURCES if r.namespaced and r.kind not in _FIRST]


def reconcile(key: str) -> runtime.Outcome:
    name = key.rpartition("/")[2]
    ns = store.get("Namespace", "", name)
    if not ns["metadata"].get("deletionTimestamp"):
        return runtime.Outcome(observed="Active")
    left = 0
    for res in ORDER:
        rows = list(res.model.objects.filter(namespace=name)
                    .values_list("name", "deletion_timestamp", "body"))
        left += len(rows)
        for obj_name, deleting, body in rows:
            if deleting is not None and (res.kind != "Pod" or json.loads(body)["metadata"]
                                         .get("deletionGracePeriodSeconds") == 0):
                continue  # already going without grace; only finalizers hold it
            runtime.pace(f"delete {res.kind} {name}/{obj_name}")
            try:
                store.delete(res.kind, name, obj_name, grace_seconds=0)
            except NotFound:
                pass
    if any(res.model.objects.filter(namespace=name).exists() for res in ORDER):
        return runtime.Outcome(desired=0, observed=left, requeue_after=POLL_SECONDS)

    def finalize(obj: dict) -> dict:
        obj.setdefault("spec", {})["finalizers"] = []
        return obj
    runtime.pace(f"finalize namespace {name}")
    store.mutate("Namespace", "", name, finalize)
    try:
        store.delete("Namespace", "", name)
    except NotFound:
        pass
    return runtime.Outcome(desired=0, observed=0)
