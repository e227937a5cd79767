"""Which of the process's dashboard sockets may see an event, without asking every socket.

A class of thirty has thirty student sockets that each see one namespace (and the
nodes) and a teacher's that sees everything: checking every socket for every event
costs sockets × events. Here sockets are indexed by what they can see, so routing an
event costs only its recipients. The index narrows; visibility.can_see still decides:
every candidate is checked with it, so the index can only ever send less than can_see
allows, never more (tests/dashboard/test_fanout.py checks it sends exactly as much).
"""
from __future__ import annotations

from typing import Protocol

from cluster.auth import Principal
from dashboard.visibility import can_see


class Viewer(Protocol):
    principal: Principal


def key(kind: str, namespace: str, name: str) -> str:
    """The namespace an event belongs to, for a non-admin: a Namespace object is its own."""
    return name if kind == "Namespace" else namespace


class Audience:
    def __init__(self) -> None:
        self._everyone: set[Viewer] = set()
        self._admins: set[Viewer] = set()
        self._by_namespace: dict[str, set[Viewer]] = {}

    def __len__(self) -> int:
        return len(self._everyone)

    def __iter__(self):
        return iter(list(self._everyone))

    def add(self, viewer: Viewer) -> None:
        self._everyone.add(viewer)
        if viewer.principal.is_admin:
            self._admins.add(viewer)
            return
        for namespace in viewer.principal.namespaces:
            self._by_namespace.setdefault(namespace, set()).add(viewer)

    def discard(self, viewer: Viewer) -> None:
        self._everyone.discard(viewer)
        self._admins.discard(viewer)
        for namespace in viewer.principal.namespaces:
            members = self._by_namespace.get(namespace)
            if members is not None:
                members.discard(viewer)
                if not members:
                    del self._by_namespace[namespace]

    def of(self, kind: str, namespace: str, name: str) -> list[Viewer]:
        """The viewers allowed to see this event."""
        if kind == "Node":  # every user sees the nodes
            candidates: set[Viewer] = self._everyone
        else:
            members = self._by_namespace.get(key(kind, namespace, name))
            candidates = self._admins | members if members else self._admins
        return [v for v in candidates if can_see(v.principal, kind, namespace, name)]
