"""Garbage collector: ownerReferences drive cascading deletion.

Keys:
- `obj:Kind/namespace/name` — one object: finish its orphan / foregroundDeletion
  finalizer, or delete it (Background) if every owner it names is gone;
- `owner:namespace/uid` — an owner was deleted: its dependents may be orphans now;
- `sweep` — a full scan, from resync, for anything an event did not reach.
"""
from __future__ import annotations

from cluster import store
from cluster.controllers import runtime
from cluster.controllers.keys import gc_object_key
from cluster.errors import NotFound
from cluster.objects import loads
from cluster.resources import RESOURCES, Resource

NAMESPACED = [r for r in RESOURCES if r.namespaced]
FOREGROUND_POLL_SECONDS = 0.3


def reconcile(key: str) -> runtime.Outcome:
    if key == "sweep":
        return _sweep()
    what, _, rest = key.partition(":")
    if what == "owner":
        namespace, _, uid = rest.partition("/")
        return _owner_gone(namespace, uid)
    kind, namespace, name = rest.split("/", 2)
    obj = store.get(kind, namespace, name)
    finalizers = obj["metadata"].get("finalizers") or []
    if obj["metadata"].get("deletionTimestamp") and "orphan" in finalizers:
        return _orphan_dependents(kind, obj)
    if obj["metadata"].get("deletionTimestamp") and "foregroundDeletion" in finalizers:
        return _foreground(kind, obj)
    owners = [o.get("uid") for o in obj["metadata"].get("ownerReferences") or []]
    if owners and not _alive(owners) and not obj["metadata"].get("deletionTimestamp"):
        _delete(kind, namespace, name, "Background")
        return runtime.Outcome(desired="deleted", observed="owners gone")
    return runtime.Outcome(observed="owned")


def dependents(namespace: str, owner_uid: str) -> list[tuple[Resource, dict]]:
    found = []
    for res in NAMESPACED:
        rows = res.model.objects.filter(namespace=namespace).exclude(owner_uids=[]) \
            .values_list("owner_uids", "body")
        found.extend((res, loads(body)) for owners, body in rows
                     if owner_uid in (owners or []))
    return found


def _alive(uids: list[str]) -> bool:
    return any(res.model.objects.filter(uid__in=uids).exists() for res in RESOURCES)


def _delete(kind: str, namespace: str, name: str, propagation: str) -> None:
    runtime.pace(f"delete {kind} {namespace}/{name} ({propagation})")
    try:
        store.delete(kind, namespace, name, propagation=propagation)
    except NotFound:
        pass


def _drop_finalizer(kind: str, obj: dict, finalizer: str) -> None:
    m = obj["metadata"]

    def change(current: dict) -> dict:
        current["metadata"]["finalizers"] = [f for f in current["metadata"].get("finalizers")
                                             or [] if f != finalizer]
        return current
    runtime.pace(f"remove finalizer {finalizer} from {kind} {m['name']}")
    store.mutate(kind, m.get("namespace", ""), m["name"], change)


def _orphan_dependents(kind: str, obj: dict) -> runtime.Outcome:
    uid, namespace = obj["metadata"]["uid"], obj["metadata"].get("namespace", "")
    deps = dependents(namespace, uid)
    for res, dep in deps:
        def unown(d: dict) -> dict:
            d["metadata"]["ownerReferences"] = [
                o for o in d["metadata"].get("ownerReferences") or [] if o.get("uid") != uid]
            return d
        runtime.pace(f"orphan {res.kind} {dep['metadata']['name']}")
        try:
            store.mutate(res.kind, namespace, dep["metadata"]["name"], unown)
        except NotFound:
            pass
    _drop_finalizer(kind, obj, "orphan")
    return runtime.Outcome(desired="orphaned", observed=len(deps))


def _foreground(kind: str, obj: dict) -> runtime.Outcome:
    uid, namespace = obj["metadata"]["uid"], obj["metadata"].get("namespace", "")
    deps = dependents(namespace, uid)
    for res, dep in deps:
        if not dep["metadata"].get("deletionTimestamp"):
            # Dependents that own things go in the foreground too; pods own nothing.
            _delete(res.kind, namespace, dep["metadata"]["name"],
                    "Background" if res.kind == "Pod" else "Foreground")
    if deps:  # look again shortly: dependents' deletions do not queue their owner
        return runtime.Outcome(desired=0, observed=len(deps),
                               requeue_after=FOREGROUND_POLL_SECONDS)
    _drop_finalizer(kind, obj, "foregroundDeletion")
    return runtime.Outcome(desired=0, observed=0)


def _owner_gone(namespace: str, uid: str) -> runtime.Outcome:
    deps = dependents(namespace, uid)
    for res, dep in deps:
        owners = [o.get("uid") for o in dep["metadata"].get("ownerReferences") or []]
        if not dep["metadata"].get("deletionTimestamp") and not _alive(owners):
            _delete(res.kind, namespace, dep["metadata"]["name"], "Background")
    return runtime.Outcome(desired=0, observed=len(deps))


def _sweep() -> runtime.Outcome:
    """Queue every object whose owners are all gone, or that waits on a GC finalizer."""
    dependents_rows = [(res, ns, name, owners) for res in NAMESPACED
                       for ns, name, owners in res.model.objects.exclude(owner_uids=[])
                       .values_list("namespace", "name", "owner_uids")]
    wanted = {uid for *_, owners in dependents_rows for uid in owners or []}
    alive: set[str] = set()
    for res in RESOURCES:  # one query per kind, however many dependents there are
        alive.update(res.model.objects.filter(uid__in=wanted).values_list("uid", flat=True))
    keys = [("gc", gc_object_key(res.kind, ns, name)) for res, ns, name, owners
            in dependents_rows if owners and not alive.intersection(owners)]
    for res in RESOURCES:
        for ns, name, body in res.model.objects.filter(deletion_timestamp__isnull=False) \
                .values_list("namespace", "name", "body"):
            if {"orphan", "foregroundDeletion"} & set(loads(body)["metadata"]
                                                      .get("finalizers") or []):
                keys.append(("gc", gc_object_key(res.kind, ns, name)))
    return runtime.Outcome(observed=len(keys), actions=[f"queued {runtime.enqueue_many(keys)}"])


