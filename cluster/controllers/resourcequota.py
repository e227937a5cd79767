"""ResourceQuota controller: keep each quota's status.hard and status.used current.

Keyed by namespace (one key covers every quota there): routes queue it when an object a
quota can count is created or deleted, a pod finishes, or a quota's spec changes.
Usage is summed from the stored objects, as admission does, so the two never disagree
for long; admission does not read status.used (it counts under the store's lock).
"""
from __future__ import annotations

import json
import time

from django.conf import settings

from cluster import quota, store
from cluster.controllers import runtime
from cluster.errors import NotFound
from cluster.events import redis_client
from cluster.quota_admission import quotas_in, tracked_kind, usage_of
from cluster.resources import Resource

# The namespaces that have a quota, so routes queue keys only for them: a pod created in
# a namespace without one queues nothing (and a paused teacher's Step is never spent on
# a key with nothing to do). Kept by this controller; resync re-adds every namespace
# with a quota, so a flushed Redis heals within a resync period.
_CACHE_SECONDS = 1.0
_cache: tuple[float, frozenset[str]] = (0.0, frozenset())


def _set_name() -> str:
    return f"{settings.EVENTS_CHANNEL}:quota-namespaces"


def _mark(namespace: str, has_quota: bool) -> None:
    global _cache
    r = redis_client()
    (r.sadd if has_quota else r.srem)(_set_name(), namespace)
    _cache = (0.0, frozenset())


def namespaces_with_quota() -> frozenset[str]:
    """The marked namespaces, read from Redis at most once a second per process."""
    global _cache
    now = time.monotonic()
    if now - _cache[0] > _CACHE_SECONDS:
        members = redis_client().smembers(_set_name())
        _cache = (now, frozenset(m.decode() if isinstance(m, bytes) else m for m in members))
    return _cache[1]


def _bodies(res: Resource, namespace: str) -> list[dict]:
    return [json.loads(b) for b in res.model.objects.filter(namespace=namespace)
            .values_list("body", flat=True)]


def status_for(q: dict, objects: dict[str, list[dict]], namespace: str) -> dict:
    """The status a quota should show; `objects` caches stored bodies by kind."""
    hard = quota.hard_of(q)
    used: quota.Usage = quota.usage_for(hard, [])
    by_kind: dict[str, tuple[Resource, list[str]]] = {}
    for resource in hard:
        res = tracked_kind(resource)
        if res is not None:
            by_kind.setdefault(res.kind, (res, []))[1].append(resource)
    for kind, (res, resources) in by_kind.items():
        if kind not in objects:
            objects[kind] = _bodies(res, namespace)
        counted = usage_of(q, res, objects[kind])
        used.update({r: counted[r] for r in resources})
    return {"hard": {r: str(v) for r, v in sorted(hard.items())},
            "used": {r: str(v) for r, v in sorted(used.items())}}


def reconcile(key: str) -> runtime.Outcome | None:
    namespace = key
    # Marked before the objects are read, so a create routed after this moment is either
    # counted here or queues the key again.
    _mark(namespace, True)
    quotas = quotas_in(namespace)
    if not quotas:
        _mark(namespace, False)
        return None
    objects: dict[str, list[dict]] = {}
    changed = []
    for q in quotas:
        status = status_for(q, objects, namespace)
        if status == (q.get("status") or {}):
            continue
        name = q["metadata"]["name"]
        runtime.pace(f"update status of quota {name}")

        def change(current: dict, status: dict = status) -> dict:
            current["status"] = status
            return current
        try:
            store.mutate("ResourceQuota", namespace, name, change, subresource="status")
        except NotFound:
            continue  # deleted meanwhile: nothing to report on
        changed.append(name)
    return runtime.Outcome(desired=len(quotas), observed=len(quotas) - len(changed))
