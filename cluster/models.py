"""The store's tables: one per kind, plus the revision counter, the watch log and tokens.

Each object row keeps the whole object as the API shows it (`body`, JSON text),
so a read or a list returns stored bytes without rebuilding them. The metadata
that queries need (uid, name, namespace, labels, resourceVersion, generation,
timestamps, owners, and for pods the node and phase) is also kept in columns,
derived from the body by `cluster.store` — the only code that writes these rows.
"""
from __future__ import annotations

from django.db import models


class ObjectRow(models.Model):
    uid = models.CharField(max_length=36, unique=True)
    namespace = models.CharField(max_length=253, blank=True, default="")
    name = models.CharField(max_length=253)
    labels = models.JSONField(default=dict)
    resource_version = models.BigIntegerField()
    generation = models.BigIntegerField(default=1)
    creation_timestamp = models.DateTimeField()
    deletion_timestamp = models.DateTimeField(null=True, blank=True, db_index=True)
    # uids of the owners named in metadata.ownerReferences, for the garbage collector.
    owner_uids = models.JSONField(default=list)
    body = models.TextField()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["namespace", "name"], name="%(class)s_ns_name"),
        ]
        ordering = ["namespace", "name"]


class Namespace(ObjectRow):
    pass


class Node(ObjectRow):
    pass


class Pod(ObjectRow):
    node_name = models.CharField(max_length=253, blank=True, default="", db_index=True)
    phase = models.CharField(max_length=32, blank=True, default="")


class Service(ObjectRow):
    pass


class Endpoints(ObjectRow):
    pass


class Event(ObjectRow):
    pass


class Deployment(ObjectRow):
    pass


class ReplicaSet(ObjectRow):
    pass


class Lease(ObjectRow):
    pass


class ConfigMap(ObjectRow):
    pass


class PriorityClass(ObjectRow):
    pass


class ResourceQuota(ObjectRow):
    pass


class LimitRange(ObjectRow):
    pass


class Revision(models.Model):
    """The single global revision counter (kubelab's etcd revision).

    Every write bumps it first thing in its transaction; the row lock this
    takes serialises writers, so revisions are handed out in commit order and
    a watcher never sees a lower revision after a higher one.
    """

    value = models.BigIntegerField(default=0)
    # Watch events at or below this revision have been compacted away.
    compacted = models.BigIntegerField(default=0)


class WatchEvent(models.Model):
    revision = models.BigIntegerField(primary_key=True)
    type = models.CharField(max_length=16)
    kind = models.CharField(max_length=32)
    namespace = models.CharField(max_length=253, blank=True, default="")
    name = models.CharField(max_length=253)
    body = models.TextField()
    created = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "revision"], name="watchevent_kind_rev")]


class Token(models.Model):
    """A bearer token. Only the SHA-256 of the secret is stored."""

    name = models.CharField(max_length=128)
    key_hash = models.CharField(max_length=64, unique=True)
    is_admin = models.BooleanField(default=False)
    # Namespaces a non-admin token may act in.
    namespaces = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)


class Classroom(models.Model):
    """A teacher's class: a name and its students (dashboard/classroom*.py)."""

    name = models.CharField(max_length=63, unique=True)
    created = models.DateTimeField(auto_now_add=True)


class Student(models.Model):
    """One student of a class: their namespace, their token and the code they join with.

    The token's secret is kept (unlike Token, which keeps only a hash) because the
    teacher hands it out again: the join code logs the student in with it, and the
    teacher downloads the student's kubeconfig. It is a classroom credential scoped to
    one namespace, shown to the teacher who made it.
    """

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="students")
    name = models.CharField(max_length=63, unique=True)
    namespace = models.CharField(max_length=63, unique=True)
    join_code = models.CharField(max_length=16, unique=True)
    token = models.ForeignKey(Token, on_delete=models.CASCADE)
    secret = models.CharField(max_length=128)

    class Meta:
        ordering = ["classroom", "name"]
