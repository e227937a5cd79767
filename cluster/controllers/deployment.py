"""Deployment controller: one ReplicaSet per pod template, rolled by strategy.

Each reconcile re-reads the Deployment and the ReplicaSets it owns, then takes the next
step: create the new ReplicaSet (named after the template's hash, so a repeated step
finds it instead of making another), scale new up and old down within maxSurge /
maxUnavailable (or old to zero first for Recreate), prune history, and write the status
fields and conditions `kubectl rollout status` reads.
"""
from __future__ import annotations

import copy
import json
from datetime import datetime

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from cluster import store
from cluster.controllers import podutil, rollout, runtime
from cluster.controllers.keys import split
from cluster.errors import AlreadyExists, NotFound
from cluster.models import ReplicaSet
from cluster.objects import parse_time
from cluster.recorder import record

COMPONENT = "deployment-controller"
REVISION = "deployment.kubernetes.io/revision"
DESIRED = "deployment.kubernetes.io/desired-replicas"
MAX = "deployment.kubernetes.io/max-replicas"


def revision_of(obj: dict) -> int:
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION) or 0)
    except ValueError:
        return 0


def reconcile(key: str) -> runtime.Outcome:
    namespace, name = split(key)
    d = store.get("Deployment", namespace, name)
    if d["metadata"].get("deletionTimestamp"):
        return runtime.Outcome(observed="deleting")
    spec = d.get("spec") or {}
    replicas = int(spec.get("replicas") or 0)
    rss = _owned_replicasets(d)
    thash = rollout.template_hash(spec.get("template") or {})
    new = next((rs for rs in rss if _hash_of(rs) == thash), None)
    olds = sorted((rs for rs in rss if rs is not new), key=revision_of)
    progressed = False
    if spec.get("paused"):
        if new is not None and not any(_spec_replicas(o) for o in olds):
            progressed = _scale(d, new, replicas)
    else:
        if new is None:
            new = _create_new(d, thash, rss, olds)
            progressed = True
        elif revision_of(new) <= max((revision_of(o) for o in olds), default=0):
            new = _set_revision(d, new, max(revision_of(o) for o in olds) + 1)
        if (spec.get("strategy") or {}).get("type") == "Recreate":
            progressed |= _recreate(d, new, olds, replicas)
        else:
            progressed |= _roll(d, new, olds, replicas)
        _prune_history(d, olds)
        _annotate_deployment(d, new)
    return _write_status(d, new, olds, progressed, timezone.now())


def _hash_of(rs: dict) -> str:
    return (rs["metadata"].get("labels") or {}).get(rollout.HASH_LABEL, "")


def _spec_replicas(rs: dict) -> int:
    return int((rs.get("spec") or {}).get("replicas") or 0)


def _st(rs: dict | None, field: str) -> int:
    return int(((rs or {}).get("status") or {}).get(field) or 0)


def _owned_replicasets(d: dict) -> list[dict]:
    """Its ReplicaSets not being deleted. The database picks them by the owner column
    as text (each hit checked exactly): with 100 Deployments in a namespace, parsing
    every ReplicaSet on every reconcile was most of the reconcile."""
    uid = d["metadata"]["uid"]
    rows = ReplicaSet.objects.filter(namespace=d["metadata"]["namespace"],
                                     deletion_timestamp__isnull=True) \
        .annotate(owners_text=Cast("owner_uids", TextField())) \
        .filter(owners_text__contains=uid).values_list("body", flat=True)
    return [rs for rs in map(json.loads, rows)
            if any(isinstance(o, dict) and o.get("uid") == uid
                   for o in rs["metadata"].get("ownerReferences") or [])]


def _create_new(d: dict, thash: str, rss: list[dict], olds: list[dict]) -> dict:
    spec = d["spec"]
    template = copy.deepcopy(spec.get("template") or {})
    template.setdefault("metadata", {}).setdefault("labels", {})[rollout.HASH_LABEL] = thash
    selector = copy.deepcopy(spec.get("selector") or {})
    selector.setdefault("matchLabels", {})[rollout.HASH_LABEL] = thash
    surge, _ = rollout.surge_and_unavailable(spec)
    revision = max((revision_of(rs) for rs in rss), default=0) + 1
    name = f"{d['metadata']['name'][:240]}-{thash}"
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": name, "namespace": d["metadata"]["namespace"],
                       "labels": dict(template["metadata"]["labels"]),
                       "annotations": {REVISION: str(revision),
                                       DESIRED: str(spec.get("replicas") or 0),
                                       MAX: str(int(spec.get("replicas") or 0) + surge)},
                       "ownerReferences": [podutil.owner_reference(d)]},
          "spec": {"replicas": 0, "minReadySeconds": int(spec.get("minReadySeconds") or 0),
                   "selector": selector, "template": template}}
    runtime.pace(f"create replicaset {name}")
    try:
        created = store.create("ReplicaSet", rs)
    except AlreadyExists:
        # Made by an earlier, interrupted reconcile (or a hash collision): use it if ours.
        created = store.get("ReplicaSet", rs["metadata"]["namespace"], name)
        if d["metadata"]["uid"] not in [o.get("uid") for o in
                                        created["metadata"].get("ownerReferences") or []]:
            raise runtime.Permanent(f"replicaset {name} exists and is not owned by "
                                    "this deployment") from None
        return created
    record(d, "ScalingReplicaSet", f"Created new replica set \"{name}\" (revision "
           f"{revision})", component=COMPONENT)
    return created


def _set_revision(d: dict, rs: dict, revision: int) -> dict:
    """A rollback makes an old ReplicaSet the new one again: it takes the next revision."""
    def change(current: dict) -> dict:
        current["metadata"].setdefault("annotations", {})[REVISION] = str(revision)
        return current
    runtime.pace(f"set revision {revision} on {rs['metadata']['name']}")
    updated = store.mutate("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"],
                           change)
    record(d, "DeploymentRollback", f"Rolled back to revision {revision} "
           f"(replica set \"{rs['metadata']['name']}\")", component=COMPONENT)
    return updated


def _scale(d: dict, rs: dict, to: int) -> bool:
    if _spec_replicas(rs) == to:
        return False
    before = _spec_replicas(rs)
    spec = d["spec"]
    surge, _ = rollout.surge_and_unavailable(spec)

    def change(current: dict) -> dict:
        current["spec"]["replicas"] = to
        ann = current["metadata"].setdefault("annotations", {})
        ann[DESIRED] = str(spec.get("replicas") or 0)
        ann[MAX] = str(int(spec.get("replicas") or 0) + surge)
        return current
    rname = rs["metadata"]["name"]
    runtime.pace(f"scale {rname} {before}→{to}")
    updated = store.mutate("ReplicaSet", rs["metadata"]["namespace"], rname, change)
    rs.clear()
    rs.update(updated)
    verb = "up" if to > before else "down"
    record(d, "ScalingReplicaSet", f"Scaled {verb} replica set {rname} from {before} to {to}",
           component=COMPONENT)
    return True


def _roll(d: dict, new: dict, olds: list[dict], replicas: int) -> bool:
    surge, unavailable = rollout.surge_and_unavailable(d["spec"])
    active_olds = [o for o in olds if _spec_replicas(o) or _st(o, "replicas")]
    # Pods that exist count as much as pods asked for: an old ReplicaSet scaled down a
    # moment ago may not have deleted its pods yet, and surge is about real pods.
    total = sum(max(_spec_replicas(rs), _st(rs, "replicas")) for rs in [new, *olds])
    target = rollout.new_rs_target(replicas, surge, _spec_replicas(new), total,
                                   bool(active_olds))
    changed = _scale(d, new, target)
    if not olds:
        return changed
    specs = rollout.old_scale_down(replicas, unavailable, _spec_replicas(new),
                                   _st(new, "availableReplicas"),
                                   [(_spec_replicas(o), _st(o, "availableReplicas"))
                                    for o in olds])
    for old, to in zip(olds, specs, strict=True):
        changed |= _scale(d, old, to)
    return changed


def _recreate(d: dict, new: dict, olds: list[dict], replicas: int) -> bool:
    changed = False
    for old in olds:
        changed |= _scale(d, old, 0)
    if any(_st(o, "replicas") for o in olds):
        return changed  # old pods still running: the new ones wait (RS status will wake us)
    return _scale(d, new, replicas) or changed


def _prune_history(d: dict, olds: list[dict]) -> None:
    limit = int(d["spec"].get("revisionHistoryLimit", 10))
    idle = [o for o in olds if not _spec_replicas(o) and not _st(o, "replicas")]
    for old in idle[:max(0, len(idle) - limit)]:  # olds are sorted oldest first
        runtime.pace(f"delete old replicaset {old['metadata']['name']}")
        try:
            store.delete("ReplicaSet", old["metadata"]["namespace"], old["metadata"]["name"],
                         precondition_uid=old["metadata"]["uid"])
        except NotFound:
            pass


def _annotate_deployment(d: dict, new: dict) -> None:
    revision = str(revision_of(new))
    if (d["metadata"].get("annotations") or {}).get(REVISION) == revision:
        return

    def change(current: dict) -> dict:
        current["metadata"].setdefault("annotations", {})[REVISION] = revision
        return current
    d.update(store.mutate("Deployment", d["metadata"]["namespace"], d["metadata"]["name"],
                          change))


def _write_status(d: dict, new: dict | None, olds: list[dict], progressed: bool,
                  now: datetime) -> runtime.Outcome:
    spec = d["spec"]
    replicas = int(spec.get("replicas") or 0)
    _, unavailable = rollout.surge_and_unavailable(spec)
    everyone = ([new] if new else []) + olds
    total = sum(_st(rs, "replicas") for rs in everyone)
    available = sum(_st(rs, "availableReplicas") for rs in everyone)
    old_status = d.get("status") or {}
    status = copy.deepcopy(old_status)
    status.update(observedGeneration=int(d["metadata"].get("generation") or 1),
                  replicas=total, updatedReplicas=_st(new, "replicas"),
                  readyReplicas=sum(_st(rs, "readyReplicas") for rs in everyone),
                  availableReplicas=available,
                  unavailableReplicas=max(0, total - available))
    if available >= replicas - unavailable:
        podutil.set_condition(status, "Available", "True", "MinimumReplicasAvailable",
                              "Deployment has minimum availability.", now)
    else:
        podutil.set_condition(status, "Available", "False", "MinimumReplicasUnavailable",
                              "Deployment does not have minimum availability.", now)
    requeue = _progressing(d, status, old_status, new, progressed, now)
    if status != old_status:
        def change(current: dict) -> dict:
            current["status"] = status
            return current
        store.mutate("Deployment", d["metadata"]["namespace"], d["metadata"]["name"], change,
                     subresource="status")
    return runtime.Outcome(desired=replicas, observed={"updated": status["updatedReplicas"],
                                                       "total": total,
                                                       "available": available},
                           requeue_after=requeue)


def _progressing(d: dict, status: dict, old_status: dict, new: dict | None,
                 progressed: bool, now: datetime) -> float | None:
    """Set the Progressing condition; returns when to check the deadline again."""
    spec = d["spec"]
    replicas = int(spec.get("replicas") or 0)
    rs_name = new["metadata"]["name"] if new else ""
    complete = (new is not None and status["updatedReplicas"] == replicas
                and status["replicas"] == replicas and status["availableReplicas"] >= replicas)
    counters = ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas")
    moved = progressed or any(status.get(c) != old_status.get(c) for c in counters)
    if spec.get("paused"):
        podutil.set_condition(status, "Progressing", "Unknown", "DeploymentPaused",
                              "Deployment is paused", now)
        return None
    if complete:
        podutil.set_condition(status, "Progressing", "True", "NewReplicaSetAvailable",
                              f'ReplicaSet "{rs_name}" has successfully progressed.', now)
        return None
    current = podutil.condition({"status": status}, "Progressing")
    if moved or current is None or current.get("reason") in ("NewReplicaSetAvailable",
                                                             "DeploymentPaused",
                                                             "DeploymentResumed"):
        reason = "NewReplicaSetCreated" if progressed and current is None else \
            "ReplicaSetUpdated"
        podutil.set_condition(status, "Progressing", "True", reason,
                              f'ReplicaSet "{rs_name}" is progressing.', now)
        for c in status["conditions"]:
            if c["type"] == "Progressing":
                c["lastUpdateTime"] = c["lastUpdateTime"] if not moved else \
                    now.strftime("%Y-%m-%dT%H:%M:%SZ")
        return float(spec.get("progressDeadlineSeconds") or 600) + 0.5
    if current.get("reason") == "ProgressDeadlineExceeded":
        return None
    since = parse_time(current.get("lastUpdateTime") or "") or now
    left = float(spec.get("progressDeadlineSeconds") or 600) - (now - since).total_seconds()
    if left <= 0:
        podutil.set_condition(status, "Progressing", "False", "ProgressDeadlineExceeded",
                              f'ReplicaSet "{rs_name}" has timed out progressing.', now)
        record(d, "ProgressDeadlineExceeded", f"Deployment {d['metadata']['name']} has "
               "timed out progressing", event_type="Warning", component=COMPONENT)
        return None
    return left + 0.5
