"""Store events -> the Docker kubelet that must act on them (runs in the writer, after commit).

Only pods bound to a node whose Docker kubelet is alive (its Redis marker is fresh)
are queued; simulated nodes have no queue consumer. A short Redis key de-duplicates
bursts: the kubelet deletes it when it takes the key, so no change is ever lost.
"""
from __future__ import annotations

import logging
import time

from cluster.dispatch import StoreEvent

log = logging.getLogger("kubelab.kubelet.routes")

PENDING_TTL_MS = 5000
MARKER_CACHE_SECONDS = 1.0
_markers: dict[str, tuple[float, bool]] = {}


def _is_docker_node(node: str) -> bool:
    from cluster.events import redis_client
    from cluster.kubelet.kubelet_worker import marker_key

    now = time.monotonic()
    cached = _markers.get(node)
    if cached and now - cached[0] < MARKER_CACHE_SECONDS:
        return cached[1]
    alive = bool(redis_client().exists(marker_key(node)))
    _markers[node] = (now, alive)
    return alive


def route(event: StoreEvent) -> None:
    if event.kind != "Pod":
        return
    nodes = {((obj or {}).get("spec") or {}).get("nodeName") for obj in (event.object, event.old)}
    for node in nodes - {None, ""}:
        if _is_docker_node(node):
            enqueue(node, event.namespace, event.name)


def enqueue(node: str, namespace: str, name: str) -> None:
    from cluster.events import redis_client
    from cluster.kubelet.kubelet_worker import pending_key
    from cluster.kubelet.tasks import sync_pod

    if redis_client().set(pending_key(node, namespace, name), "1", nx=True,
                          px=PENDING_TTL_MS):
        sync_pod.apply_async(args=[namespace, name], queue=f"node.{node}")
