"""After-commit routing of store events to the workers that act on them.

The store calls `dispatch(event)` once per committed write, in the writing
process. Each route (a controller's queue, the scheduler's queue, a node's
kubelet queue) decides from the event which object keys to enqueue. Routes are
listed in settings.KUBELAB_EVENT_ROUTES as dotted paths and imported on first
use, so the store does not depend on the workers that consume its events.

Losing a dispatch (the process dies between commit and enqueue) is survivable:
every consumer also resyncs periodically, as Kubernetes informers do.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreEvent:
    revision: int
    type: str  # ADDED | MODIFIED | DELETED
    kind: str
    namespace: str
    name: str
    object: dict
    old: dict | None  # the object before this write (None for ADDED)


Route = Callable[[StoreEvent], None]
_routes: list[Route] | None = None


def routes() -> list[Route]:
    global _routes
    if _routes is None:
        loaded: list[Route] = []
        for dotted in getattr(settings, "KUBELAB_EVENT_ROUTES", []):
            module_name, _, attr = dotted.rpartition(".")
            try:
                loaded.append(getattr(import_module(module_name), attr))
            except (ImportError, AttributeError) as exc:
                log.error("event route %s cannot be loaded: %s", dotted, exc)
        _routes = loaded
    return _routes


def dispatch(event: StoreEvent) -> None:
    for route in routes():
        _call(route, event)


def _call(route: Route, event: StoreEvent) -> None:
    try:
        route(event)
    except Exception:  # a consumer's failure must not break the write that happened
        log.exception("event route %r failed for %s %s/%s", route, event.kind,
                      event.namespace, event.name)


def dispatch_many(events: list[StoreEvent]) -> None:
    """Hand committed events (in revision order) to every route; a route with a `many`
    attribute takes the whole list at once (to de-duplicate what it queues)."""
    for route in routes():
        many = getattr(route, "many", None)
        if many is None:
            for event in events:
                _call(route, event)
        else:
            try:
                many(events)
            except Exception:
                log.exception("event route %r failed for %d events", route, len(events))
