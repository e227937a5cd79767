"""PostgreSQL only: a create's namespace check, object row and watch event in one statement.

Why: on PostgreSQL every statement is a network round trip, and a create's statements
after the revision bump run while the global revision lock is held, so they bound the
whole cluster's write rate. The namespace SELECT, the object INSERT and the watch-event
INSERT were three round trips under the lock; here they are one data-modifying CTE.
SQLite has no data-modifying CTEs, and its statements are function calls, not round
trips: it keeps cluster/rowsql.py's separate statements.

The statement runs after `_bump_revision` in the same transaction. Under READ COMMITTED
each statement reads a fresh snapshot, so the namespace it sees is the one committed
before the revision lock was taken, exactly as the separate SELECT saw it; and as every
namespace write takes that lock first, nothing can change the namespace until commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

from cluster.models import Namespace, WatchEvent
from cluster.rowsql import column_params

# The watch event's columns that the statement takes as parameters; its namespace, name
# and body are the object row's own (RETURNING), so the body crosses the wire once.
EVENT_PARAMS = ("revision", "type", "kind", "created")


@dataclass(frozen=True)
class Outcome:
    """What the statement did. `namespace_active` is None when the namespace does not
    exist (or was not checked), False when it is terminating."""

    namespace_active: bool | None
    inserted: bool


def enabled() -> bool:
    return connection.vendor == "postgresql"


def _fields(model: type[models.Model]) -> tuple:
    return tuple(f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin))


def _typed_placeholders(fields: tuple) -> str:
    # INSERT ... SELECT does not give its parameters the target columns' types (as VALUES
    # does): a NULL deletionTimestamp would arrive as text. So each is cast explicitly.
    return ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)


@cache
def _create_sql(model: type[models.Model], check_namespace: bool) -> tuple[str, tuple, tuple]:
    qn = connection.ops.quote_name
    fields = _fields(model)
    by_name = {f.attname: f for f in _fields(WatchEvent)}
    event_fields = tuple(by_name[c] for c in EVENT_PARAMS)
    parts = []
    gate = ""
    if check_namespace:
        parts.append(f"ns AS (SELECT deletion_timestamp IS NULL AS active "
                     f"FROM {qn(Namespace._meta.db_table)} WHERE namespace = '' AND name = %s)")
        gate = " WHERE EXISTS (SELECT 1 FROM ns WHERE active)"
    parts.append(
        f"obj AS (INSERT INTO {qn(model._meta.db_table)} "
        f"({', '.join(qn(f.column) for f in fields)}) "
        f"SELECT {_typed_placeholders(fields)}{gate} "
        f"ON CONFLICT DO NOTHING RETURNING namespace, name, body)")
    ev_cols = [qn(f.column) for f in event_fields]
    ev_values = _typed_placeholders(event_fields)
    parts.append(
        f"ev AS (INSERT INTO {qn(WatchEvent._meta.db_table)} "
        f"({', '.join(ev_cols)}, namespace, name, body) "
        f"SELECT {ev_values}, namespace, name, body FROM obj)")
    active = "(SELECT active FROM ns)" if check_namespace else "NULL::boolean"
    sql = f"WITH {', '.join(parts)} SELECT {active}, EXISTS (SELECT 1 FROM obj)"
    return sql, fields, event_fields


def create_with_event(model: type[models.Model], values: dict, event: dict,
                      namespace: str | None) -> Outcome:
    """Insert the object row and, only if it went in, its watch event; when `namespace`
    is given the row goes in only if that namespace exists and is not terminating.

    `values` are the object's columns (store._columns), `event` the watch event's
    revision, type, kind and created. A name already taken inserts nothing
    (inserted=False), as rowsql.insert_object's ON CONFLICT DO NOTHING.
    """
    sql, fields, event_fields = _create_sql(model, namespace is not None)
    params = [namespace] if namespace is not None else []
    params += column_params(fields, values)
    params += column_params(event_fields, event)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        active, inserted = cur.fetchone()
    return Outcome(active, bool(inserted))
