"""The arithmetic of a rolling update, as pure functions (tested without a cluster).

All counts are ReplicaSet spec.replicas unless named `available`; every function
returns new spec.replicas values and never writes anything.
"""
from __future__ import annotations

import hashlib
import json
import math

HASH_LABEL = "pod-template-hash"
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def int_or_percent(value: object, total: int, round_up: bool) -> int:
    """maxSurge rounds percentages up, maxUnavailable rounds them down (as Kubernetes)."""
    if isinstance(value, str) and value.endswith("%"):
        exact = total * int(value[:-1]) / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(value or 0)


def surge_and_unavailable(spec: dict) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) in pods. Recreate, and RollingUpdate with both zero,
    are handled as Kubernetes does: Recreate has no surge; 0/0 becomes 0/1."""
    replicas = int(spec.get("replicas") or 0)
    strategy = spec.get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return 0, 0
    rolling = strategy.get("rollingUpdate") or {}
    surge = int_or_percent(rolling.get("maxSurge", "25%"), replicas, True)
    unavailable = int_or_percent(rolling.get("maxUnavailable", "25%"), replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, min(unavailable, replicas)


def template_hash(template: dict) -> str:
    """A stable short name for a pod template (labels without the hash label itself)."""
    clean = json.loads(json.dumps(template))
    labels = (clean.get("metadata") or {}).get("labels") or {}
    labels.pop(HASH_LABEL, None)
    digest = hashlib.sha256(json.dumps(clean, sort_keys=True, separators=(",", ":"))
                            .encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    out = []
    for _ in range(10):
        number, rest = divmod(number, len(_ALPHABET))
        out.append(_ALPHABET[rest])
    return "".join(out)


def new_rs_target(replicas: int, surge: int, new_spec: int, total_spec: int,
                  has_old: bool) -> int:
    """How many replicas the new ReplicaSet may have now."""
    if not has_old or new_spec > replicas:
        return replicas
    room = replicas + surge - total_spec
    return min(replicas, new_spec + max(0, room))


def old_scale_down(replicas: int, unavailable: int, new_spec: int, new_available: int,
                   olds: list[tuple[int, int]]) -> list[int]:
    """New spec.replicas for the old ReplicaSets (oldest first, given as (spec, available)).

    First drop old pods that are not available anyway (they count against nothing), then
    healthy ones, never letting available pods fall below replicas - maxUnavailable.
    """
    min_available = replicas - unavailable
    total_spec = new_spec + sum(spec for spec, _ in olds)
    new_unavailable = max(0, new_spec - new_available)
    budget = total_spec - min_available - new_unavailable
    specs = [spec for spec, _ in olds]
    if budget <= 0:
        return specs
    for i, (spec, available) in enumerate(olds):  # unhealthy first
        unhealthy = max(0, spec - available)
        cut = min(unhealthy, budget)
        specs[i] -= cut
        budget -= cut
        if budget <= 0:
            break
    available_total = new_available + sum(min(a, s) for (_, a), s in zip(olds, specs,
                                                                         strict=True))
    can = available_total - min_available
    for i in range(len(specs)):
        if can <= 0:
            break
        cut = min(specs[i], can)
        specs[i] -= cut
        can -= cut
    return specs
