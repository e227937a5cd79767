"""Run-time switches for the control loops, read from the ConfigMap kube-system/kubelab-settings.

A teacher slows every controller down (`controllers.delaySeconds: "1"`) or pauses them
(`controllers.paused: "true"`) with `kubectl edit configmap -n kube-system kubelab-settings`;
workers notice within SWITCHES_CACHE_SECONDS. The values are cached per process so a
busy worker does not read the ConfigMap once per reconcile.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from cluster import store
from cluster.controllers import settings as cs
from cluster.errors import NotFound


@dataclass(frozen=True)
class Switches:
    delay_seconds: float = 0.0
    paused: bool = False


_cache: tuple[float, Switches] | None = None


def parse(data: dict) -> Switches:
    """The switches in a ConfigMap's data (also read by the dashboard's controls)."""
    try:
        delay = max(0.0, float(data.get("controllers.delaySeconds") or 0))
    except (TypeError, ValueError):
        delay = 0.0  # a typo in the ConfigMap must not stop the cluster
    paused = str(data.get("controllers.paused") or "").strip().lower() in ("1", "true", "yes",
                                                                          "on")
    return Switches(delay, paused)


def current() -> Switches:
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < cs.SWITCHES_CACHE_SECONDS:
        return _cache[1]
    try:
        cm = store.get("ConfigMap", cs.SWITCHES_NAMESPACE, cs.SWITCHES_NAME)
        value = parse(cm.get("data") or {})
    except NotFound:
        value = Switches()
    _cache = (now, value)
    return value


def forget() -> None:
    """Drop the cache (tests, and a worker that just saw the ConfigMap change)."""
    global _cache
    _cache = None
