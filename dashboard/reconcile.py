"""The reconcile view's data: for a Deployment or ReplicaSet, desired versus observed
replicas and the controllers' recent reconciles of it, oldest first.

The controllers keep each Deployment's and ReplicaSet's last records in a short Redis
list (cluster/controllers/runtime.py, RECORDED); the browser polls this while the view
is open. A list rather than a websocket subscription: a view opened mid-rollout still
shows what came before, and a dropped connection loses nothing. The user must be
allowed to read the workload, and only its own keys are read, so a student sees the
records of its namespace's workloads and nothing else.
"""
from __future__ import annotations

import json

from cluster import auth, store
from cluster.controllers import runtime
from cluster.errors import BadRequest
from cluster.events import redis_client
from cluster.resources import by_kind
from dashboard.reconcile_controls import read

KINDS = ("Deployment", "ReplicaSet")
MAX_RECORDS = 80
REVISION = "deployment.kubernetes.io/revision"


def _owned_replicasets(deployment: dict) -> list[dict]:
    m = deployment["metadata"]
    out = [json.loads(b) for b in store.list_objects("ReplicaSet", m["namespace"]).items]
    return [rs for rs in out
            if any(r.get("uid") == m.get("uid") and r.get("controller")
                   for r in rs["metadata"].get("ownerReferences") or [])]


def keys_for(kind: str, obj: dict, replicasets: list[dict]) -> list[tuple[str, str]]:
    """The controller keys whose reconciles move this workload, the workload's own first."""
    ns, name = obj["metadata"]["namespace"], obj["metadata"]["name"]
    if kind == "ReplicaSet":
        return [("replicaset", f"{ns}/{name}")]
    return [("deployment", f"{ns}/{name}")] + [
        ("replicaset", f"{ns}/{rs['metadata']['name']}") for rs in replicasets]


def _records(keys: list[tuple[str, str]]) -> list[dict]:
    pipe = redis_client().pipeline(transaction=False)
    for controller, key in keys:
        pipe.lrange(runtime.recent_key(controller, key), 0, runtime.RECENT_MAX - 1)
    records = []
    for raw_list in pipe.execute():
        for raw in raw_list:
            try:
                records.append(json.loads(raw))
            except ValueError:
                continue
    records.sort(key=lambda r: r.get("time") or 0)
    return records[-MAX_RECORDS:]


def _waiting(keys: list[tuple[str, str]]) -> list[dict]:
    pipe = redis_client().pipeline(transaction=False)
    for controller, key in keys:
        pipe.sismember(runtime.PARKED, json.dumps([controller, key]))
    return [{"controller": c, "key": k} for (c, k), parked in zip(keys, pipe.execute(),
                                                                    strict=True) if parked]


def _replica_counts(obj: dict) -> dict:
    status = obj.get("status") or {}
    return {"replicas": int(status.get("replicas") or 0),
            "ready": int(status.get("readyReplicas") or 0),
            "available": int(status.get("availableReplicas") or 0),
            "updated": int(status.get("updatedReplicas") or 0)}


def workload(kind: str, namespace: str, name: str) -> tuple[dict, list[dict]]:
    obj = store.get(kind, namespace, name)
    return obj, _owned_replicasets(obj) if kind == "Deployment" else []


def view(principal: auth.Principal, kind: str, namespace: str, name: str) -> dict:
    if kind not in KINDS:
        raise BadRequest(f"the reconcile view shows a Deployment or a ReplicaSet, not {kind}")
    auth.authorize(principal, "get", by_kind(kind), namespace, name)
    obj, replicasets = workload(kind, namespace, name)
    keys = keys_for(kind, obj, replicasets)
    switches = read()
    replicasets.sort(key=lambda rs: int((rs["metadata"].get("annotations") or {})
                                        .get(REVISION) or 0))
    return {
        "kind": kind, "namespace": namespace, "name": name,
        "desired": int((obj.get("spec") or {}).get("replicas") or 0),
        "observed": _replica_counts(obj),
        "replicaSets": [{"name": rs["metadata"]["name"],
                         "revision": (rs["metadata"].get("annotations") or {}).get(REVISION),
                         "desired": int((rs.get("spec") or {}).get("replicas") or 0),
                         "observed": _replica_counts(rs)} for rs in replicasets],
        "records": _records(keys),
        "waiting": _waiting(keys) if switches.paused else [],
        "switches": {"paused": switches.paused, "delaySeconds": switches.delay_seconds},
        "canControl": principal.is_admin,
    }


def step_workload(principal: auth.Principal, kind: str, namespace: str,
                  name: str) -> list[tuple[str, str]]:
    """The keys a Step on this workload may let through (checked for the user first)."""
    if kind not in KINDS:
        raise BadRequest(f"only a Deployment or a ReplicaSet can be stepped, not {kind}")
    auth.authorize(principal, "get", by_kind(kind), namespace, name)
    obj, replicasets = workload(kind, namespace, name)
    return keys_for(kind, obj, replicasets)
