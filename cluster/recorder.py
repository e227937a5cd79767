"""Recording Kubernetes Events (what `kubectl get events` and `describe` show).

Repeats of the same event (same object, reason, message, source) are folded into
one Event whose count and lastTimestamp go up, as Kubernetes' event recorder does,
so a crash-looping pod does not flood the store.
"""
from __future__ import annotations

import hashlib
import logging

from django.utils import timezone

from cluster import store
from cluster.errors import AlreadyExists, ApiError, NotFound
from cluster.objects import format_time

log = logging.getLogger(__name__)


def _reference(obj: dict) -> dict:
    m = obj.get("metadata") or {}
    ref = {"kind": obj.get("kind", ""), "apiVersion": obj.get("apiVersion", ""),
           "name": m.get("name", ""), "uid": m.get("uid", ""),
           "resourceVersion": m.get("resourceVersion", "")}
    if m.get("namespace"):
        ref["namespace"] = m["namespace"]
    return ref


def record(obj: dict, reason: str, message: str, *, event_type: str = "Normal",
           component: str = "kubelab", host: str = "") -> None:
    """Record that `reason` happened to `obj`. Never raises: events are best effort."""
    ref = _reference(obj)
    namespace = ref.get("namespace") or "default"
    digest = hashlib.sha1(f"{ref['uid']}|{reason}|{message}|{component}".encode(),
                          usedforsecurity=False).hexdigest()[:10]
    name = f"{ref['name'][:200]}.{digest}"
    now = format_time(timezone.now())
    source = {"component": component, **({"host": host} if host else {})}
    body = {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": namespace},
        "involvedObject": ref, "reason": reason, "message": message,
        "type": event_type, "source": source, "count": 1,
        "firstTimestamp": now, "lastTimestamp": now,
        "reportingComponent": component, "reportingInstance": host,
    }
    # Most events are new (their message names a pod), so try the create first and
    # fold into the existing Event only when it is a repeat.
    for _ in range(3):
        try:
            store.create("Event", body)
            return
        except AlreadyExists:
            pass
        except ApiError as exc:
            log.warning("could not record event %s on %s: %s", reason, ref["name"], exc)
            return

        def bump(event: dict) -> dict:
            event["count"] = int(event.get("count") or 1) + 1
            event["lastTimestamp"] = now
            return event
        try:
            store.mutate("Event", namespace, name, bump)
            return
        except NotFound:
            continue  # removed between the two calls: create it again
        except ApiError as exc:
            log.warning("could not update event %s/%s: %s", namespace, name, exc)
            return
