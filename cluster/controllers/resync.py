"""Periodic resync (the informers' resync): queue every object's key again.

Losing an event is survivable because of this: a dispatch lost between commit and
enqueue, a task lost with a SIGKILLed worker, a marker that expired. Only names are
read, and de-duplication keeps already-queued keys from piling up.
"""
from __future__ import annotations

from cluster.controllers import runtime
from cluster.controllers.keys import ns_key
from cluster.models import Deployment, Namespace, Node, ReplicaSet, ResourceQuota, Service


def all_keys() -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    for controller, model in (("deployment", Deployment), ("replicaset", ReplicaSet),
                              ("endpoints", Service)):
        keys.extend((controller, ns_key(ns, name))
                    for ns, name in model.objects.values_list("namespace", "name"))
    keys.extend(("namespace", name) for name in Namespace.objects
                .filter(deletion_timestamp__isnull=False).values_list("name", flat=True))
    keys.extend(("nodelifecycle", name) for name in Node.objects.values_list("name", flat=True))
    keys.extend(("resourcequota", ns) for ns in ResourceQuota.objects
                .values_list("namespace", flat=True).distinct())
    keys.append(("gc", "sweep"))
    return keys


def resync() -> int:
    return runtime.enqueue_many(all_keys(), low=True)
