"""Shared helpers for controller tests: namespaces, manifests, polling with deadlines."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
DEADLINE = 20.0


def wait_for(condition: Callable[[], T], what: str, timeout: float = DEADLINE,
             every: float = 0.05) -> T:
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        last = condition()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def new_namespace(api) -> str:
    name = f"c-{uuid.uuid4().hex[:8]}"
    code, body = api.call("POST", "/api/v1/namespaces", {"metadata": {"name": name}})
    assert code == 201, body
    return name


def template(labels: dict, image: str = "busybox", **spec) -> dict:
    return {"metadata": {"labels": labels},
            "spec": {"containers": [{"name": "app", "image": image,
                                     "ports": [{"name": "http", "containerPort": 8080}]}],
                     "terminationGracePeriodSeconds": 30, **spec}}


def replicaset(name: str, replicas: int, labels: dict | None = None) -> dict:
    labels = labels or {"app": name}
    return {"metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": template(labels)}}


def deployment(name: str, replicas: int, image: str = "busybox", **spec) -> dict:
    labels = {"app": name}
    return {"metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": template(labels, image), **spec}}


def active(pods: list[dict]) -> list[dict]:
    return [p for p in pods if not p["metadata"].get("deletionTimestamp")]


def ready(pods: list[dict]) -> list[dict]:
    return [p for p in active(pods) if any(c.get("type") == "Ready" and c.get("status") ==
                                           "True" for c in (p.get("status") or {})
                                           .get("conditions") or [])]
