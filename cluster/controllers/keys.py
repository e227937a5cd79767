"""Work-queue keys: how each controller names the object it reconciles.

Most controllers use `namespace/name`; the node and namespace controllers use the
name alone; the garbage collector has three kinds of key (see `cluster.controllers.gc`).
"""
from __future__ import annotations

from cluster import store
from cluster.errors import NotFound

# controller → the kind its `namespace/name` keys name (for events about failures).
KIND_OF = {"replicaset": "ReplicaSet", "deployment": "Deployment", "endpoints": "Service",
           "podfanout": "Pod", "namespace": "Namespace", "nodelifecycle": "Node"}


def ns_key(namespace: str, name: str) -> str:
    return f"{namespace}/{name}"


def split(key: str) -> tuple[str, str]:
    """`namespace/name` → (namespace, name); a bare name is cluster-scoped."""
    namespace, _, name = key.rpartition("/")
    return namespace, name


def gc_object_key(kind: str, namespace: str, name: str) -> str:
    return f"obj:{kind}/{namespace}/{name}"


def gc_owner_key(namespace: str, uid: str) -> str:
    return f"owner:{namespace}/{uid}"


def load_for_key(controller: str, key: str) -> dict | None:
    kind = KIND_OF.get(controller)
    if kind is None:
        if controller == "gc" and key.startswith("obj:"):
            kind, _, rest = key[4:].partition("/")
            key = rest
        else:
            return None
    namespace, name = split(key)
    try:
        return store.get(kind, namespace, name)
    except NotFound:
        return None
