"""The one write path to cluster state (kubelab's etcd).

Every create, update, patch and delete — from the API, controllers, the
scheduler and kubelets — comes through here. Each write, in one transaction:
bumps the global revision (which serialises writers, so revisions follow
commit order), writes the object row, appends a watch event; after commit it
publishes the event to Redis exactly once.
"""
from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from cluster import admission, notify, quota_admission, rowsql, rowsql_pg
from cluster.dispatch import StoreEvent
from cluster.errors import AlreadyExists, BadRequest, Conflict, Invalid, not_found
from cluster.models import Revision, WatchEvent
from cluster.objects import clone, dumps, format_time, loads, meta
from cluster.resources import Resource, by_kind
from cluster.selectors import FieldSelector, LabelSelector

# Finalizer the store itself manages for foreground cascading deletion.
FOREGROUND = "foregroundDeletion"


@dataclass
class ListResult:
    items: list[str]  # stored JSON bodies, in (namespace, name) order
    resource_version: int
    continue_token: str = ""
    remaining: int | None = None


# --- reading ---------------------------------------------------------------

def current_revision() -> int:
    row = Revision.objects.filter(id=1).values_list("value", flat=True).first()
    return int(row or 0)


def _row(res: Resource, namespace: str, name: str):
    return res.model.objects.filter(namespace=namespace, name=name).first()


def get(kind: str, namespace: str, name: str) -> dict:
    return json.loads(get_raw(kind, namespace, name))


def get_raw(kind: str, namespace: str, name: str) -> str:
    res = by_kind(kind)
    body = rowsql.fetch_body(res.model, namespace if res.namespaced else "", name)
    if body is None:
        raise not_found(res.plural, name, res.group)
    return body


def list_objects(kind: str, namespace: str | None = None,
                 label_selector: LabelSelector | None = None,
                 field_selector: FieldSelector | None = None,
                 limit: int = 0, continue_token: str = "") -> ListResult:
    """Objects of a kind, filtered; `limit`/`continue` page through (namespace, name) order."""
    res = by_kind(kind)
    # The revision is read before the rows, so a watch started from it may repeat
    # a change the list already showed, but can never miss one.
    rv = current_revision()
    qs = res.model.objects.all()
    if namespace:
        qs = qs.filter(namespace=namespace)
    if field_selector is not None:
        qs = _push_down_fields(res, qs, field_selector)
    if continue_token:
        start_ns, start_name = _decode_continue(continue_token)
        qs = qs.filter(namespace__gte=start_ns).exclude(namespace=start_ns,
                                                        name__lte=start_name)
    rows = qs.order_by("namespace", "name").values_list("namespace", "name", "labels",
                                                         "body")
    items: list[str] = []
    last: tuple[str, str] | None = None
    more = False
    for ns, name, labels, body in rows.iterator(chunk_size=2000):
        if label_selector is not None and not label_selector.matches(labels):
            continue
        if field_selector is not None and not field_selector.matches(loads(body)):
            continue
        if limit and len(items) >= limit:
            more = True
            break
        items.append(body)
        last = (ns, name)
    token = _encode_continue(*last) if more and last else ""
    return ListResult(items, rv, token, None)


def _push_down_fields(res: Resource, qs, fs: FieldSelector):
    for field_name, column in (("metadata.name", "name"), ("metadata.namespace", "namespace"),
                               ("spec.nodeName", "node_name"), ("status.phase", "phase")):
        if column in ("node_name", "phase") and res.kind != "Pod":
            continue
        value = fs.equals(field_name)
        if value is not None:
            qs = qs.filter(**{column: value})
    return qs


def _encode_continue(namespace: str, name: str) -> str:
    import base64
    return base64.urlsafe_b64encode(dumps([namespace, name]).encode()).decode()


def _decode_continue(token: str) -> tuple[str, str]:
    import base64
    try:
        ns, name = json.loads(base64.urlsafe_b64decode(token.encode()))
        return str(ns), str(name)
    except (ValueError, TypeError):
        raise BadRequest("invalid continue token") from None


# --- writing ---------------------------------------------------------------

def _bump_revision() -> int:
    """Take the next revision. The UPDATE's row lock is held until commit."""
    with connection.cursor() as cur:
        cur.execute("UPDATE cluster_revision SET value = value + 1 WHERE id = 1 RETURNING value")
        row = cur.fetchone()
        if row is None:
            cur.execute("INSERT INTO cluster_revision (id, value, compacted) VALUES (1, 1, 0)")
            return 1
        return int(row[0])


def _columns(res: Resource, obj: dict) -> dict:
    m = obj["metadata"]
    cols = {
        "uid": m["uid"],
        "namespace": m.get("namespace", "") if res.namespaced else "",
        "name": m["name"],
        "labels": m.get("labels") or {},
        "resource_version": int(m["resourceVersion"]),
        "generation": int(m.get("generation") or 1),
        "creation_timestamp": _dt(m["creationTimestamp"]),
        "deletion_timestamp": _dt(m.get("deletionTimestamp")),
        "owner_uids": [o.get("uid") for o in m.get("ownerReferences") or []
                       if isinstance(o, dict)],
        "body": dumps(obj),
    }
    if res.kind == "Pod":
        cols["node_name"] = (obj.get("spec") or {}).get("nodeName") or ""
        cols["phase"] = (obj.get("status") or {}).get("phase") or ""
    return cols


def _dt(text):
    from cluster.objects import parse_time
    return parse_time(text) if text else None


def _record(res: Resource, event_type: str, obj: dict, rev: int,
            old: dict | None = None, body: str | None = None) -> None:
    """Append the watch event of a write and announce it after commit. `body` is
    dumps(obj) when the caller already has it (from _columns)."""
    row, announce = _event(res, event_type, obj, rev, old, body)
    rowsql.insert_watch_event(row)
    transaction.on_commit(announce)


def _event(res: Resource, event_type: str, obj: dict, rev: int, old: dict | None,
           body: str | None) -> tuple[dict, Callable[[], None]]:
    """The watch event row of a write, and the after-commit call that publishes it."""
    m = obj["metadata"]
    if body is None:
        body = dumps(obj)
    namespace = m.get("namespace", "") if res.namespaced else ""
    row = {"revision": rev, "type": event_type, "kind": res.kind, "namespace": namespace,
           "name": m["name"], "body": body, "created": timezone.now()}
    # Built around the already-serialised body rather than dumping the object twice.
    head = dumps({"rev": rev, "type": event_type, "kind": res.kind,
                  "ns": m.get("namespace", ""), "name": m["name"]})
    message = head[:-1] + ',"object":' + body + "}"
    event = StoreEvent(rev, event_type, res.kind, namespace, m["name"], obj, old)
    return row, lambda: notify.committed(message, event)


def _finish(dry_run: bool) -> None:
    if dry_run:
        transaction.set_rollback(True)


def create(kind: str, obj: dict, *, dry_run: bool = False) -> dict:
    """Create an object (admitted, defaulted, validated). Returns it as stored."""
    res = by_kind(kind)
    obj = clone(obj)
    # Admission (defaults, validation, Pod Security, priority) only reads, so it runs
    # before the revision lock is taken: writers queue on that lock, and the time it is
    # held bounds the whole cluster's write rate. Service admission allocates ClusterIPs
    # and nodePorts from what is stored, which is only safe under the lock.
    locked_admission = kind in admission.ALLOCATING_KINDS
    if not locked_admission:
        admission.admit_create(res, obj)
    # ResourceQuota is charged against the objects already stored, so it is checked
    # under the lock (below): two creates racing for the last slot are decided one after
    # the other. This unlocked look only spares namespaces without a quota that work.
    quota_limited = quota_admission.has_quota(res, obj)
    with transaction.atomic():
        rev = _bump_revision()
        if locked_admission:
            admission.admit_create(res, obj)
        m = meta(obj)
        m["uid"] = str(uuid.uuid4())
        m["resourceVersion"] = str(rev)
        m["generation"] = 1
        m["creationTimestamp"] = format_time(timezone.now())
        for dropped in ("deletionTimestamp", "deletionGracePeriodSeconds", "managedFields",
                        "selfLink"):
            m.pop(dropped, None)
        namespace = m.get("namespace", "")
        # The namespace check comes before the quota charge: a missing namespace is
        # reported as such, not as a quota refusal.
        checked_namespace = quota_limited or not res.namespaced
        if quota_limited:
            admission.check_namespace_accepts(res, namespace, m["name"])
            quota_admission.charge(res, obj)
        if rowsql_pg.enabled():
            _insert_new_pg(res, obj, rev, None if checked_namespace else namespace)
        else:
            if not checked_namespace:
                admission.check_namespace_accepts(res, namespace, m["name"])
            columns = _columns(res, obj)
            if not rowsql.insert_object(res.model, columns):
                raise _exists(res, m["name"])
            _record(res, "ADDED", obj, rev, body=columns["body"])
        _finish(dry_run)
    return obj


def _insert_new_pg(res: Resource, obj: dict, rev: int, namespace: str | None) -> None:
    """PostgreSQL: namespace check (when `namespace` is given), object row and watch
    event in one round trip under the revision lock (cluster/rowsql_pg.py)."""
    columns = _columns(res, obj)
    row, announce = _event(res, "ADDED", obj, rev, None, columns["body"])
    outcome = rowsql_pg.create_with_event(res.model, columns, row, namespace)
    name = obj["metadata"]["name"]
    if namespace is not None and not outcome.namespace_active:
        # We hold the revision lock, which every namespace write takes, so the check
        # sees what the statement saw and raises its usual NotFound or Forbidden.
        admission.check_namespace_accepts(res, namespace, name)
        raise Conflict(f'namespace "{namespace}" changed during the create of {name}',
                       kind=res.plural, name=name, group=res.group)
    if not outcome.inserted:
        raise _exists(res, name)
    transaction.on_commit(announce)


def _exists(res: Resource, name: str) -> AlreadyExists:
    return AlreadyExists(f'{_what(res)} "{name}" already exists', kind=res.plural, name=name,
                         group=res.group)


def _what(res: Resource) -> str:
    return f"{res.plural}.{res.group}" if res.group else res.plural


def update(kind: str, obj: dict, *, subresource: str = "", dry_run: bool = False) -> dict:
    """Replace an object (PUT semantics). A stale metadata.resourceVersion gets 409."""
    m = obj.get("metadata") if isinstance(obj, dict) else None
    if not isinstance(m, dict) or not m.get("name"):
        raise Invalid("metadata.name: Required value", causes=[
            {"reason": "FieldValueRequired", "message": "Required value",
             "field": "metadata.name"}])
    return mutate(kind, m.get("namespace", ""), m["name"], lambda _old: obj,
                  subresource=subresource, dry_run=dry_run, check_rv=True)


def mutate(kind: str, namespace: str, name: str, change: Callable[[dict], dict], *,
           subresource: str = "", dry_run: bool = False, check_rv: bool = False,
           create_missing: Callable[[], dict] | None = None) -> dict:
    """Read-modify-write under the revision lock: `change(current) -> new object`.

    `change` sees the committed current object, so patches never lose an update.
    When `check_rv` is set, a resourceVersion in the new object must match.
    """
    res = by_kind(kind)
    ns = namespace if res.namespaced else ""
    with transaction.atomic():
        rev = _bump_revision()
        row = _row(res, ns, name)
        if row is not None:
            return _change_row(res, row, rev, name, change, subresource, dry_run, check_rv)
        if create_missing is None:
            raise not_found(res.plural, name, res.group)
        transaction.set_rollback(True)
    # Apply to a missing object creates it, outside the rolled-back transaction.
    return create(kind, create_missing(), dry_run=dry_run)


def _change_row(res: Resource, row, rev: int, name: str, change: Callable[[dict], dict],
                subresource: str, dry_run: bool, check_rv: bool) -> dict:
    """The body of `mutate` once the row is found (inside its transaction)."""
    old = loads(row.body)
    # `change` gets its own parse of the row (cheaper than deep-copying `old`); what it
    # returns is copied, as it may be the caller's own object.
    new = clone(change(loads(row.body)))
    if not isinstance(new, dict):
        raise BadRequest("the request body must be an object")
    new_meta = meta(new)
    given_rv = new_meta.get("resourceVersion")
    if check_rv and given_rv not in (None, "") and str(given_rv) != str(row.resource_version):
        raise Conflict(
            f'Operation cannot be fulfilled on {_what(res)} "{name}": the object has been '
            "modified; please apply your changes to the latest version and try again",
            kind=res.plural, name=name, group=res.group)
    if new_meta.get("name", name) != name:
        raise BadRequest(f'the name of the object ({new_meta.get("name")}) does not match '
                         f"the name on the URL ({name})")
    merged = admission.admit_update(res, new, old, subresource)
    if _same(merged, old):
        transaction.set_rollback(True)  # no change: no new revision, no event
        return old
    if not subresource and res.kind in quota_admission.UPDATE_CHARGED:
        quota_admission.charge_update(res, merged, old)
    mm = merged["metadata"]
    mm["resourceVersion"] = str(rev)
    if _finalized(merged):
        row.delete()
        _record(res, "DELETED", merged, rev, old)
    else:
        for column, value in _columns(res, merged).items():
            setattr(row, column, value)
        row.save()
        _record(res, "MODIFIED", merged, rev, old)
    _finish(dry_run)
    return merged


def _same(a: dict, b: dict) -> bool:
    return dumps(a) == dumps(b)


def _finalized(obj: dict) -> bool:
    """An object being deleted whose last finalizer has just gone is removed for good."""
    m = obj["metadata"]
    if obj.get("kind") == "Namespace" and (obj.get("spec") or {}).get("finalizers"):
        return False
    return bool(m.get("deletionTimestamp")) and not m.get("finalizers") \
        and m.get("deletionGracePeriodSeconds") in (None, 0)


def delete(kind: str, namespace: str, name: str, *, propagation: str = "",
           grace_seconds: int | None = None, precondition_uid: str = "",
           precondition_rv: str = "", dry_run: bool = False) -> tuple[dict, bool]:
    """Delete an object. Returns (object, gone): gone is False when deletion is pending
    (finalizers, a pod's grace period on its node, a namespace emptying)."""
    res = by_kind(kind)
    ns = namespace if res.namespaced else ""
    with transaction.atomic():
        rev = _bump_revision()
        row = _row(res, ns, name)
        if row is None:
            raise not_found(res.plural, name, res.group)
        obj = loads(row.body)
        m = obj["metadata"]
        if precondition_uid and precondition_uid != m["uid"]:
            raise Conflict(f"Precondition failed: UID in precondition: {precondition_uid}, "
                           f"UID in object meta: {m['uid']}", kind=res.plural, name=name)
        if precondition_rv and str(precondition_rv) != m["resourceVersion"]:
            raise Conflict(f"Precondition failed: ResourceVersion in precondition: "
                           f"{precondition_rv}, ResourceVersion in object meta: "
                           f"{m['resourceVersion']}", kind=res.plural, name=name)
        old = copy.deepcopy(obj)
        pending = admission.plan_deletion(res, obj, propagation, grace_seconds,
                                          timezone.now())
        m["resourceVersion"] = str(rev)
        if pending:
            for column, value in _columns(res, obj).items():
                setattr(row, column, value)
            row.save()
            _record(res, "MODIFIED", obj, rev, old)
        else:
            row.delete()
            _record(res, "DELETED", obj, rev, old)
        _finish(dry_run)
    return obj, not pending


def compact(older_than_seconds: int) -> int:
    """Drop watch events older than the window; returns the new compacted revision."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    with transaction.atomic():
        last = (WatchEvent.objects.filter(created__lt=cutoff).order_by("-revision")
                .values_list("revision", flat=True).first())
        if last is None:
            return int(Revision.objects.filter(id=1).values_list("compacted", flat=True)
                       .first() or 0)
        WatchEvent.objects.filter(revision__lte=last).delete()
        Revision.objects.filter(id=1, compacted__lt=last).update(compacted=last)
    return int(last)
