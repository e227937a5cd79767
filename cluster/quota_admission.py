"""ResourceQuota at admission: refuse a create that would go over a namespace's quota.

`charge` runs inside the store's write transaction, after the revision lock is taken:
usage is summed from the stored objects themselves, and the lock serialises every
writer, so two creates racing for the last slot are decided one after the other (the
second sees the first's row). `status.used` is not consulted: the quota controller
writes it after the fact, for people to read.
"""
from __future__ import annotations

import json

from django.db import connection

from cluster import quota
from cluster.errors import Forbidden
from cluster.objects import meta
from cluster.resources import BY_KIND, Resource


def _bodies(table: str, namespace: str) -> list[dict]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT body FROM {table} WHERE namespace = %s", [namespace])
        return [json.loads(row[0]) for row in cur.fetchall()]


def quotas_in(namespace: str) -> list[dict]:
    """The namespace's ResourceQuotas, by name."""
    from cluster.models import ResourceQuota

    bodies = _bodies(ResourceQuota._meta.db_table, namespace)
    return sorted(bodies, key=lambda q: meta(q).get("name", ""))


def has_quota(res: Resource, obj: object) -> bool:
    """Cheap look before the lock: does anything here need counting at all?"""
    from cluster.models import ResourceQuota

    m = obj.get("metadata") if isinstance(obj, dict) else None
    namespace = m.get("namespace") if isinstance(m, dict) else None
    if not res.namespaced or not namespace or not isinstance(namespace, str):
        return False
    with connection.cursor() as cur:
        cur.execute(f"SELECT 1 FROM {ResourceQuota._meta.db_table} WHERE namespace = %s "
                    "LIMIT 1", [namespace])
        return cur.fetchone() is not None


_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
           "CrossNamespacePodAffinity")


def _scope_terms(q: dict) -> list[tuple]:
    """(scope, operator, values) for each of a quota's scopes and scope selectors."""
    spec = q.get("spec") if isinstance(q.get("spec"), dict) else {}
    selector = spec.get("scopeSelector") if isinstance(spec.get("scopeSelector"), dict) else {}
    terms = [(s, "Exists", []) for s in spec.get("scopes") or [] if isinstance(s, str)]
    terms += [(e.get("scopeName"), e.get("operator"), e.get("values") or [])
              for e in selector.get("matchExpressions") or [] if isinstance(e, dict)]
    return terms


def in_scope(q: dict, kind: str, obj: dict) -> bool:
    """Does quota `q` track `obj`? Scoped quotas track pods only (as in Kubernetes)."""
    terms = _scope_terms(q)
    if not terms:
        return True
    return kind == "Pod" and all(_scope_matches(obj, *term) for term in terms)


def _scope_matches(pod: dict, scope: str, operator: str, values: list) -> bool:
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    best_effort = (pod.get("status") or {}).get("qosClass") == "BestEffort"
    if scope == "Terminating":
        return spec.get("activeDeadlineSeconds") is not None
    if scope == "NotTerminating":
        return spec.get("activeDeadlineSeconds") is None
    if scope == "BestEffort":
        return best_effort
    if scope == "NotBestEffort":
        return not best_effort
    if scope == "PriorityClass":
        name = spec.get("priorityClassName") or ""
        return {"Exists": bool(name), "DoesNotExist": not name,
                "In": name in values, "NotIn": name not in values}.get(operator, False)
    return False


def tracked_kind(resource: str) -> Resource | None:
    """The kind a quota resource name counts (None: a name nothing here uses)."""
    kind = quota.kind_for(resource)
    if kind is not None:
        return BY_KIND.get(kind)
    if resource.startswith("count/"):
        plural, _, group = resource[len("count/"):].partition(".")
        return next((r for r in BY_KIND.values() if r.namespaced and r.plural == plural
                     and r.group == group), None)
    return None


def usage_of(q: dict, res: Resource, objects: list[dict]) -> quota.Usage:
    """What the stored `objects` of one kind use of quota `q`."""
    return quota.usage_for(quota.hard_of(q), [
        quota.object_usage(res.kind, res.plural, res.group, o) for o in objects
        if in_scope(q, res.kind, o)])


def charge(res: Resource, obj: dict) -> None:
    """403 Forbidden when creating `obj` would exceed one of its namespace's quotas."""
    refusal = Ledger(res, meta(obj).get("namespace", "")).charge(obj)
    if refusal is not None:
        _refuse(res, obj, refusal)


def charge_many(res: Resource, objs: list[dict]) -> list[Forbidden | None]:
    """`charge` for objects created together, in order: each is checked against what
    is stored plus the ones before it in the list that fit (as if created one by one)."""
    ledgers: dict[str, Ledger] = {}
    refusals: list[Forbidden | None] = []
    for obj in objs:
        namespace = meta(obj).get("namespace", "")
        ledger = ledgers.get(namespace)
        if ledger is None:
            ledger = ledgers[namespace] = Ledger(res, namespace)
        refusal = ledger.charge(obj)
        refusals.append(None if refusal is None else _forbidden(res, obj, refusal))
    return refusals


# Kinds whose quota usage an update can change: a Service turned NodePort or
# LoadBalancer (pods' requests are immutable here; counts never change on update).
UPDATE_CHARGED = frozenset({"Service"})


def charge_update(res: Resource, new: dict, old: dict) -> None:
    """403 Forbidden when an update raises what an object uses beyond a quota: only the
    increase is charged, against what the stored objects use (the old version among
    them), as Kubernetes' quota admission does on update. Runs under the revision lock."""
    if res.kind not in UPDATE_CHARGED:
        return
    before = quota.object_usage(res.kind, res.plural, res.group, old)
    increase = {r: q - before[r] if r in before else q
                for r, q in quota.object_usage(res.kind, res.plural, res.group, new).items()
                if q.value > (before[r].value if r in before else 0)}
    if not increase:
        return
    refusal = Ledger(res, meta(new).get("namespace", "")).charge(new, increase)
    if refusal is not None:
        _refuse(res, new, refusal)


class Ledger:
    """A namespace's quota usage for one kind, read from the store once (under the
    revision lock) and counted up as creates are admitted."""

    def __init__(self, res: Resource, namespace: str) -> None:
        self.res, self.namespace = res, namespace
        self.quotas = quotas_in(namespace)
        # (quota name, counted only) → what the stored objects use, read once;
        # quota name → what the creates admitted since then add to it.
        self.stored_use: dict[tuple[str, bool], quota.Usage] = {}
        self.admitted: dict[str, quota.Usage] = {}
        self._stored: list[dict] | None = None

    def charge(self, obj: dict, delta: quota.Usage | None = None) -> quota.Refusal | None:
        """Why `obj` does not fit, or None, and then its usage is counted. `delta`: what
        it adds (default: all it uses, as a create does)."""
        res = self.res
        if delta is None:
            delta = quota.object_usage(res.kind, res.plural, res.group, obj)
        charged: list[str] = []
        for q in self.quotas:
            if not in_scope(q, res.kind, obj):
                continue
            hard = quota.hard_of(q)
            name = meta(q).get("name", "")
            if res.kind == "Pod" and not quota.is_terminal(obj):
                missing = quota.missing_requests(obj, hard)
                if missing:
                    return quota.must_specify(name, missing)
            if not any(r in hard for r in delta):
                continue
            refusal = quota.check(name, hard, self._used(q, name, hard, delta), delta)
            if refusal is not None:
                return refusal
            charged.append(name)
        for name in charged:
            self.admitted[name] = quota.add(self.admitted.get(name, {}), delta)
        return None

    def _used(self, q: dict, name: str, hard: quota.Usage,
              delta: quota.Usage) -> quota.Usage:
        counted = _counts_only(q, delta, hard)
        key = (name, counted)
        if key not in self.stored_use:
            if counted:
                stored_count = quota.count(_count_rows(self.res, self.namespace))
                self.stored_use[key] = {r: stored_count for r in delta if r in hard}
            else:
                if self._stored is None:
                    self._stored = _bodies(self.res.model._meta.db_table, self.namespace)
                self.stored_use[key] = usage_of(q, self.res, self._stored)
        return quota.add(self.stored_use[key], self.admitted.get(name, {}))


def _counts_only(q: dict, delta: quota.Usage, hard: quota.Usage) -> bool:
    """True when every resource this create is checked on is a plain object count (pods,
    count/...), so usage is a COUNT(*) rather than every stored body parsed under the
    lock: that keeps a `pods` quota on a namespace of thousands of pods cheap."""
    if _scope_terms(q):
        return False  # scoped: which objects count depends on their bodies
    checked = [r for r in delta if r in hard]
    return all(r == "pods" or r.startswith("count/") or r in ("services", "configmaps",
                                                              "resourcequotas")
               for r in checked)


def _count_rows(res: Resource, namespace: str) -> int:
    """Stored objects of a kind in a namespace; finished pods are not counted."""
    table = res.model._meta.db_table
    sql = f"SELECT COUNT(*) FROM {table} WHERE namespace = %s"
    if res.kind == "Pod":
        sql += " AND phase NOT IN ('Succeeded', 'Failed')"
    with connection.cursor() as cur:
        cur.execute(sql, [namespace])
        return int(cur.fetchone()[0])


def _forbidden(res: Resource, obj: dict, refusal: quota.Refusal) -> Forbidden:
    name = str(meta(obj).get("name", ""))
    what = f"{res.plural}.{res.group}" if res.group else res.plural
    return Forbidden(f'{what} "{name}" is forbidden: {refusal.message}',
                     kind=res.plural, name=name, group=res.group)


def _refuse(res: Resource, obj: dict, refusal: quota.Refusal) -> None:
    raise _forbidden(res, obj, refusal)
