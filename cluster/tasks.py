"""Store housekeeping run by Celery: watch-history compaction and finishing deletions.

`sweep_deletions` is a small, level-triggered stand-in for Kubernetes' garbage
collector and namespace controller: it re-reads state each run, so running it
twice, or concurrently, is harmless. The controllers issue replaces it with
proper per-key controllers.
"""
from __future__ import annotations

import json
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cluster import store
from cluster.errors import ApiError, NotFound
from cluster.resources import RESOURCES, Resource, by_kind

log = logging.getLogger(__name__)
NAMESPACED = [r for r in RESOURCES if r.namespaced]


@shared_task(name="cluster.tasks.compact_watch_history", ignore_result=True)
def compact_watch_history() -> int:
    return store.compact(settings.WATCH_HISTORY_SECONDS)


@shared_task(name="cluster.tasks.ping", ignore_result=False)
def ping() -> str:
    return "pong"


def _bodies(res: Resource, **filters) -> list[dict]:
    return [json.loads(b) for b in res.model.objects.filter(**filters)
            .values_list("body", flat=True)]


def _try_delete(kind: str, namespace: str, name: str, **kwargs) -> None:
    try:
        store.delete(kind, namespace, name, **kwargs)
    except NotFound:
        pass
    except ApiError as exc:
        log.warning("could not delete %s %s/%s: %s", kind, namespace, name, exc)


def _drop_finalizer(kind: str, namespace: str, name: str, finalizer: str) -> None:
    def change(obj: dict) -> dict:
        obj["metadata"]["finalizers"] = [f for f in obj["metadata"].get("finalizers") or []
                                         if f != finalizer]
        return obj
    try:
        store.mutate(kind, namespace, name, change)
    except NotFound:
        pass


def _dependents(namespace: str, owner_uid: str) -> list[tuple[Resource, dict]]:
    found = []
    for res in NAMESPACED:
        for row in res.model.objects.filter(namespace=namespace).exclude(owner_uids=[]) \
                .values_list("owner_uids", "body"):
            if owner_uid in (row[0] or []):
                found.append((res, json.loads(row[1])))
    return found


def _finish_owner(res: Resource, obj: dict) -> None:
    m = obj["metadata"]
    ns, name, uid = m.get("namespace", ""), m["name"], m["uid"]
    finalizers = m.get("finalizers") or []
    if "orphan" in finalizers:
        for dep_res, dep in _dependents(ns, uid):
            def unown(d: dict, uid=uid) -> dict:
                d["metadata"]["ownerReferences"] = [
                    o for o in d["metadata"].get("ownerReferences") or [] if o.get("uid") != uid]
                return d
            store.mutate(dep_res.kind, ns, dep["metadata"]["name"], unown)
        _drop_finalizer(res.kind, ns, name, "orphan")
    elif "foregroundDeletion" in finalizers:
        remaining = _dependents(ns, uid)
        for dep_res, dep in remaining:
            if not dep["metadata"].get("deletionTimestamp"):
                _try_delete(dep_res.kind, ns, dep["metadata"]["name"],
                            propagation="Foreground")
        if not _dependents(ns, uid):
            _drop_finalizer(res.kind, ns, name, "foregroundDeletion")


def _collect_orphans() -> None:
    """Background propagation: dependents whose owners are all gone are deleted."""
    dependents = [(res, ns, name, owners) for res in NAMESPACED
                  for ns, name, owners in res.model.objects.exclude(owner_uids=[])
                  .values_list("namespace", "name", "owner_uids")]
    wanted = {uid for *_, owners in dependents for uid in owners or []}
    alive: set[str] = set()
    for res in RESOURCES:  # one query per kind, however many dependents there are
        alive.update(res.model.objects.filter(uid__in=wanted).values_list("uid", flat=True))
    for res, ns, name, owners in dependents:
        if owners and not alive.intersection(owners):
            _try_delete(res.kind, ns, name, propagation="Background")


def _finish_namespace(ns: dict) -> None:
    name = ns["metadata"]["name"]
    left = 0
    for res in NAMESPACED:
        for obj in _bodies(res, namespace=name):
            left += 1
            _try_delete(res.kind, name, obj["metadata"]["name"], grace_seconds=0)
    if left == 0 or all(not res.model.objects.filter(namespace=name).exists()
                        for res in NAMESPACED):
        def finalize(obj: dict) -> dict:
            obj.setdefault("spec", {})["finalizers"] = []
            return obj
        store.mutate("Namespace", "", name, finalize)
        _try_delete("Namespace", "", name)


@shared_task(name="cluster.tasks.sweep_deletions", ignore_result=True)
def sweep_deletions() -> None:
    now = timezone.now()
    for pod in _bodies(by_kind("Pod"), deletion_timestamp__lte=now):
        m = pod["metadata"]
        _try_delete("Pod", m["namespace"], m["name"], grace_seconds=0)
    for res in RESOURCES:
        for obj in _bodies(res, deletion_timestamp__isnull=False):
            if res.kind == "Namespace":
                _finish_namespace(obj)
            else:
                _finish_owner(res, obj)
    _collect_orphans()
