"""Pod → the other keys that care about it, found with a query (routes may not query).

A pod's change can alter the Endpoints of the Services in its namespace, and an
orphan pod may be adopted by a ReplicaSet whose selector matches it.
"""
from __future__ import annotations

import json

from cluster import store
from cluster.controllers import podutil, runtime
from cluster.controllers.keys import ns_key, split
from cluster.errors import NotFound
from cluster.models import ReplicaSet, Service
from cluster.selectors import SelectorError, label_selector_from_dict


def reconcile(key: str) -> runtime.Outcome:
    namespace, name = split(key)
    keys: list[tuple[str, str]] = []
    # Every Service with a selector: the pod may have left one (labels changed, deleted)
    # as well as joined one; an unchanged Endpoints costs no write.
    for svc_name, body in Service.objects.filter(namespace=namespace) \
            .values_list("name", "body"):
        if (json.loads(body).get("spec") or {}).get("selector"):
            keys.append(("endpoints", ns_key(namespace, svc_name)))
    try:
        pod = store.get("Pod", namespace, name)
    except NotFound:
        pod = None
    if pod is not None and not podutil.controller_ref(pod) and \
            not pod["metadata"].get("deletionTimestamp"):
        labels = pod["metadata"].get("labels") or {}
        for rs_name, body in ReplicaSet.objects.filter(namespace=namespace) \
                .values_list("name", "body"):
            try:
                selector = label_selector_from_dict((json.loads(body).get("spec") or {})
                                                    .get("selector"))
            except SelectorError:
                continue
            if not selector.empty and selector.matches(labels):
                keys.append(("replicaset", ns_key(namespace, rs_name)))
    queued = runtime.enqueue_many(keys)
    return runtime.Outcome(observed=len(keys), actions=[f"queued {queued} keys"] if queued
                           else [])
