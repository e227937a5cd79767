"""Priority admission: a pod's spec.priorityClassName becomes spec.priority, as
Kubernetes' Priority admission plugin does at creation."""
from __future__ import annotations

import json

from cluster.errors import Forbidden

_cache: dict = {"version": None, "classes": {}}


def _classes() -> dict[str, dict]:
    """Every PriorityClass by name. Re-read only when the table changed (its newest
    resourceVersion and row count), since this runs on every pod creation."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT MAX(resource_version), COUNT(*) FROM cluster_priorityclass")
        version = tuple(cur.fetchone())
        if version != _cache["version"]:
            cur.execute("SELECT name, body FROM cluster_priorityclass")
            _cache["classes"] = {name: json.loads(body) for name, body in cur.fetchall()}
            _cache["version"] = version
    return _cache["classes"]


def forget_cache() -> None:
    """Drop the cached classes. For a caller that rolled back a transaction in which a
    PriorityClass was created and read: a later real write may reuse that revision and
    row count, so the (version, count) check alone would not notice."""
    _cache["version"] = None


def resolve_priority(pod: dict) -> None:
    """Set spec.priority (and preemptionPolicy) from the named PriorityClass, or from the
    globalDefault class when none is named, else 0. Runs inside the store's create
    transaction. An unknown class is refused with 403, as Kubernetes does."""
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return
    name = spec.get("priorityClassName")
    classes = _classes()
    if name:
        pc = classes.get(name) if isinstance(name, str) else None
        if pc is None:
            raise Forbidden(f'pods "{(pod.get("metadata") or {}).get("name", "")}" is '
                            f"forbidden: no PriorityClass with name {name} was found",
                            kind="pods")
    else:
        pc = next((b for b in classes.values() if b.get("globalDefault")), None)
        if pc is None:
            spec.setdefault("priority", 0)
            return
        spec["priorityClassName"] = pc["metadata"]["name"]
    spec["priority"] = int(pc.get("value") or 0)
    spec.setdefault("preemptionPolicy", pc.get("preemptionPolicy") or "PreemptLowerPriority")
