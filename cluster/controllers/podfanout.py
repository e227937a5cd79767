"""Pod → the other keys that care about it, found with a query (routes may not query).

Keys (see `routes._pod_keys`): `namespace/` — some pod there changed in a way that can
alter Endpoints, so queue every Service with a selector; `namespace/~orphans` — orphan
pods appeared, so queue every ReplicaSet with a selector (each adopts what it matches).
"""
from __future__ import annotations

from cluster.controllers import runtime
from cluster.controllers.keys import ns_key, split
from cluster.models import ReplicaSet, Service
from cluster.objects import loads
from cluster.selectors import SelectorError, label_selector_from_dict


def reconcile(key: str) -> runtime.Outcome:
    namespace, name = split(key)
    # Any named key means "orphans appeared" (routes send ORPHANS; older per-pod keys
    # still queued after an upgrade are handled the same way).
    keys = _selecting_replicasets(namespace) if name else _services(namespace)
    queued = runtime.enqueue_many(keys)
    return runtime.Outcome(observed=len(keys), actions=[f"queued {queued} keys"] if queued
                           else [])


def _services(namespace: str) -> list[tuple[str, str]]:
    # Every Service with a selector: a pod may have left one (labels changed, deleted)
    # as well as joined one; an unchanged Endpoints costs no write.
    return [("endpoints", ns_key(namespace, svc_name)) for svc_name, body in
            Service.objects.filter(namespace=namespace).values_list("name", "body")
            if (loads(body).get("spec") or {}).get("selector")]


def _selecting_replicasets(namespace: str) -> list[tuple[str, str]]:
    """Every ReplicaSet with a selector here: each adopts the orphans it matches."""
    keys = []
    for rs_name, body in ReplicaSet.objects.filter(namespace=namespace) \
            .values_list("name", "body"):
        try:
            selector = label_selector_from_dict((loads(body).get("spec") or {})
                                                .get("selector"))
        except SelectorError:
            continue
        if not selector.empty:
            keys.append(("replicaset", ns_key(namespace, rs_name)))
    return keys
