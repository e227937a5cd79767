"""Parsed object bodies kept between reconciles, by uid and resourceVersion.

A ReplicaSet of thousands of pods reads all of them on every reconcile, and the node
monitor reads every Node and Lease twice a second; parsing that JSON was most of a
controllers worker's time while a big Deployment scaled up on a thousand nodes, though
most of those objects had not changed since the last read. So the database is asked
for (uid, resourceVersion) first, and only bodies this process has not parsed at that
version are fetched and parsed. The objects handed out are shared: read-only.
"""
from __future__ import annotations

from collections import OrderedDict

from django.db.models import QuerySet

from cluster.objects import loads

MAX_OBJECTS = 20_000  # a few hundred MB of parsed objects at most; oldest dropped first
_CHUNK = 500  # uids per IN (...) query, well inside SQLite's parameter limit
_parsed: OrderedDict[tuple[str, str], tuple[int, dict]] = OrderedDict()


def bodies(rows: QuerySet) -> list[dict]:
    """The objects `rows` selects, parsed, in its order; unchanged ones from the cache."""
    model = rows.model
    table = model._meta.db_table
    current = list(rows.values_list("uid", "resource_version"))
    stale = [uid for uid, rv in current if _parsed.get((table, uid), (None,))[0] != rv]
    for at in range(0, len(stale), _CHUNK):
        for uid, rv, body in model.objects.filter(uid__in=stale[at:at + _CHUNK]) \
                .values_list("uid", "resource_version", "body"):
            _parsed[(table, uid)] = (rv, loads(body))
    out = []
    for uid, _rv in current:
        hit = _parsed.get((table, uid))
        # Changed since the first query: the newer body is used. Deleted since: gone.
        if hit is not None:
            _parsed.move_to_end((table, uid))
            out.append(hit[1])
    while len(_parsed) > MAX_OBJECTS:
        _parsed.popitem(last=False)
    return out


def forget() -> None:
    """Drop every cached object (tests)."""
    _parsed.clear()
