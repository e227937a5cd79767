"""What one dashboard user may see: the kinds the map shows, filtered by their namespaces.

Mirrors cluster.auth.authorize for reads: admins see everything, a namespace-scoped user
sees objects in its namespaces, its own Namespace objects and every Node.
"""
from __future__ import annotations

from cluster.auth import Principal

# Leases and ConfigMaps change often and draw nothing on the map, so they stay off the wire.
KINDS: tuple[str, ...] = ("Namespace", "Node", "Pod", "Service", "Endpoints", "Deployment",
                          "ReplicaSet", "Event")
CLUSTER_SCOPED = {"Namespace", "Node"}


def can_see(principal: Principal, kind: str, namespace: str, name: str) -> bool:
    if kind not in KINDS:
        return False
    if principal.is_admin or kind == "Node":
        return True
    if kind == "Namespace":
        return name in principal.namespaces
    return namespace in principal.namespaces


def namespaces_to_list(principal: Principal) -> list[str | None]:
    """None means "all namespaces" (one query instead of one per namespace)."""
    return [None] if principal.is_admin else list(principal.namespaces)
