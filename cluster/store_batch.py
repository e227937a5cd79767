"""Batched store writes: many objects of one kind changed (or created) in one transaction
with a handful of SQL statements instead of several per object.

The same guarantees as `cluster/store.py`, built from its own pieces: the revision
row is locked before any row is read (so a change sees the committed object and never
loses an update), every object written gets its own revision and watch event, events
are published and dispatched after commit only. Used by the scheduler, whose batches
bind tens of pods at once (scheduler/binder.py `bind_many`). Nothing here is a second
write path: it is the store's path, taken once for many objects.
"""
from __future__ import annotations

import copy
import uuid
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cluster import admission, notify, quota_admission, store
from cluster.dispatch import StoreEvent
from cluster.errors import AlreadyExists, ApiError, BadRequest, not_found
from cluster.models import WatchEvent
from cluster.objects import dumps, format_time, loads, meta
from cluster.resources import Resource, by_kind

Change = tuple[str, str, Callable[[dict], dict]]  # (namespace, name, change(current))


def _lock_revision() -> int:
    """Take the revision row's lock (held until commit) without consuming a revision."""
    with connection.cursor() as cur:
        cur.execute("UPDATE cluster_revision SET value = value WHERE id = 1 RETURNING value")
        row = cur.fetchone()
    if row is None:  # a store that never wrote: let the store create the row
        return store._bump_revision() - 1
    return int(row[0])


def _take(count: int) -> int:
    """Consume `count` revisions under the lock already held; returns the first one."""
    with connection.cursor() as cur:
        cur.execute("UPDATE cluster_revision SET value = value + %s WHERE id = 1 "
                    "RETURNING value", [count])
        return int(cur.fetchone()[0]) - count + 1


def _record_many(res: Resource, written: list[tuple[str, dict, dict | None, str]]) -> None:
    """Watch events for written objects (already carrying their revisions, with the body
    the row got, so it is not serialised twice): one INSERT, then after commit the same
    Redis message and dispatch as store._record sends."""
    now = timezone.now()
    rows, after = [], []
    for event_type, obj, old, body in written:
        m = obj["metadata"]
        rev = int(m["resourceVersion"])
        ns = m.get("namespace", "") if res.namespaced else ""
        rows.append(WatchEvent(revision=rev, type=event_type, kind=res.kind, namespace=ns,
                               name=m["name"], body=body, created=now))
        head = dumps({"rev": rev, "type": event_type, "kind": res.kind,
                      "ns": m.get("namespace", ""), "name": m["name"]})
        after.append((head[:-1] + ',"object":' + body + "}",
                      StoreEvent(rev, event_type, res.kind, ns, m["name"], obj, old)))
    WatchEvent.objects.bulk_create(rows)

    def after_commit() -> None:
        with notify.batched():  # one pipelined publish, routes see the batch at once
            for message, event in after:
                notify.committed(message, event)
    transaction.on_commit(after_commit)


def _update_rows(res: Resource, rows: list, columns: list[str]) -> None:
    """One prepared UPDATE run for every row (executemany). Django's bulk_update builds a
    CASE expression per column and row, which costs more than the writes it saves."""
    opts = res.model._meta
    fields = [opts.get_field(c) for c in columns]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(opts.db_table)} SET "
           + ", ".join(f"{quote(f.column)} = %s" for f in fields)
           + f" WHERE {quote(opts.pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
              + [row.pk] for row in rows]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def mutate_many(kind: str, changes: list[Change], *,
                subresource: str = "") -> list[dict | ApiError]:
    """`store.mutate` for many objects: each result is the stored object, or the ApiError
    that refused that one (NotFound, or whatever its `change` raised); the others commit.
    Deletion by finalisation is not handled here: use store.mutate for that."""
    res = by_kind(kind)
    results: list[dict | ApiError] = []
    with transaction.atomic():
        _lock_revision()
        keys = {(ns if res.namespaced else "", name) for ns, name, _ in changes}
        rows = {(r.namespace, r.name): r for r in res.model.objects.filter(
            namespace__in={k[0] for k in keys}, name__in={k[1] for k in keys})
            if (r.namespace, r.name) in keys}
        pending: list[tuple[object, dict, dict]] = []  # (row, new object, old object)
        for ns, name, change in changes:
            row = rows.get((ns if res.namespaced else "", name))
            if row is None:
                results.append(not_found(res.plural, name, res.group))
                continue
            old = loads(row.body)
            try:
                # A second parse, not a deepcopy of `old`: several times cheaper.
                new = change(loads(row.body))
                if not isinstance(new, dict):
                    raise BadRequest("the request body must be an object")
                merged = admission.admit_update(res, new, old, subresource)
            except ApiError as exc:
                results.append(exc)
                continue
            # Dict equality first: it is cheap and settles the usual case (a change);
            # only equal dicts are compared as the store does, serialised.
            if merged == old and store._same(merged, old):
                results.append(old)  # no change: no revision, no event (as the store)
                continue
            if store._finalized(merged):
                results.append(BadRequest("finalising a deletion is not batched"))
                continue
            pending.append((row, merged, old))
            results.append(merged)
        if pending:
            first = _take(len(pending))
            fields: list[str] = []
            written = []
            for rev, (row, merged, old) in enumerate(pending, start=first):
                merged["metadata"]["resourceVersion"] = str(rev)
                columns = store._columns(res, merged)
                for column, value in columns.items():
                    setattr(row, column, value)
                fields = list(columns)
                written.append(("MODIFIED", merged, old, columns["body"]))
            _update_rows(res, [p[0] for p in pending], fields)
            _record_many(res, written)
    return results


def create_many(kind: str, objs: list[dict]) -> list[dict | ApiError]:
    """`store.create` for many objects: each result is the stored object or the ApiError
    that refused it (invalid, namespace missing, over quota, name taken); the others
    commit. ResourceQuota is charged in list order, as if they were created one by one."""
    res = by_kind(kind)
    results: list[dict | ApiError] = [copy.deepcopy(o) for o in objs]
    # Admission only reads (as in store.create), so it runs before the lock is taken;
    # kinds whose admission allocates from what is stored are admitted under it.
    locked_admission = kind in admission.ALLOCATING_KINDS
    if not locked_admission:
        _admit(res, results)
    with transaction.atomic():
        _lock_revision()
        if locked_admission:
            _admit(res, results)
        _check_namespaces(res, results)
        # Quota is charged under the lock, against what is stored (quota_admission).
        waiting = [i for i, r in enumerate(results) if isinstance(r, dict)]
        refusals = quota_admission.charge_many(res, [results[i] for i in waiting])
        for i, refusal in zip(waiting, refusals, strict=True):
            if refusal is not None:
                results[i] = refusal
        admitted = [r for r in results if isinstance(r, dict)]
        if not admitted:
            return results
        first = _take(len(admitted))
        now = format_time(timezone.now())
        for rev, obj in enumerate(admitted, start=first):
            m = meta(obj)
            m.update(uid=str(uuid.uuid4()), resourceVersion=str(rev), generation=1,
                     creationTimestamp=now)
            for dropped in ("deletionTimestamp", "deletionGracePeriodSeconds",
                            "managedFields", "selfLink"):
                m.pop(dropped, None)
        try:
            with transaction.atomic():
                rows = [res.model(**store._columns(res, o)) for o in admitted]
                res.model.objects.bulk_create(rows)
        except IntegrityError:
            # A name is taken: this rarely happens, so find which ones the slow way.
            taken = set(res.model.objects.filter(
                name__in=[meta(o)["name"] for o in admitted]).values_list("namespace", "name"))
            clash = [o for o in admitted
                     if (meta(o).get("namespace", ""), meta(o)["name"]) in taken]
            for o in clash:
                at = next(i for i, r in enumerate(results) if r is o)
                results[at] = AlreadyExists(
                    f'{res.plural} "{meta(o)["name"]}" already exists', kind=res.plural,
                    name=meta(o)["name"], group=res.group)
            admitted = [o for o in admitted if all(o is not c for c in clash)]
            rows = [res.model(**store._columns(res, o)) for o in admitted]
            res.model.objects.bulk_create(rows)
        _record_many(res, [("ADDED", o, None, row.body) for o, row in zip(admitted, rows,
                                                                           strict=True)])
    return results



def _admit(res: Resource, results: list[dict | ApiError]) -> None:
    """Admit each object in place; a refusal takes the object's place."""
    for i, obj in enumerate(results):
        if isinstance(obj, dict):
            try:
                admission.admit_create(res, obj)
            except ApiError as exc:
                results[i] = exc


def _check_namespaces(res: Resource, results: list[dict | ApiError]) -> None:
    """A missing or terminating namespace refuses its objects (looked up once each)."""
    verdicts: dict[str, ApiError | None] = {}
    for i, obj in enumerate(results):
        if not isinstance(obj, dict):
            continue
        ns = meta(obj).get("namespace", "")
        if ns not in verdicts:
            try:
                admission.check_namespace_accepts(res, ns, meta(obj)["name"])
                verdicts[ns] = None
            except ApiError as exc:
                verdicts[ns] = exc
        if verdicts[ns] is not None:
            results[i] = verdicts[ns]
