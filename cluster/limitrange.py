"""LimitRange at pod admission: default requests and limits, then min/max/ratio checks.

`apply_defaults` is the mutating half (before validation): a container that leaves a
resource unset gets the namespace's `defaultRequest` / `default`. `enforce` is the
validating half (after validation): it refuses a pod whose containers, or whose sum
for `type: Pod` items, fall outside `min`/`max`/`maxLimitRequestRatio`, with 403
Forbidden and Kubernetes' wording. (A LimitRange's own defaults, max → default →
defaultRequest, are filled when it is stored: `validation.quota.default_limit_range`.)
Only Pods are affected: a Deployment's template is defaulted when its pods are created.
"""
from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from django.db import connection

from cluster import quota
from cluster.errors import Forbidden
from cluster.objects import meta
from cluster.quantity import Quantity, parse


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def limit_ranges_in(namespace: str) -> list[dict]:
    from cluster.models import LimitRange

    if not namespace:
        return []
    with connection.cursor() as cur:
        cur.execute(f"SELECT body FROM {LimitRange._meta.db_table} WHERE namespace = %s "
                    "ORDER BY name", [namespace])
        return [json.loads(row[0]) for row in cur.fetchall()]


def _items(ranges: list[dict], kind: str) -> list[dict]:
    out = []
    for lr in ranges:
        limits = _d(lr.get("spec")).get("limits")
        for item in limits if isinstance(limits, list) else []:
            if isinstance(item, dict) and item.get("type") == kind:
                out.append(item)
    return out


def apply_defaults(pod: dict, ranges: list[dict] | None = None) -> None:
    """Fill each container's unset requests/limits from the namespace's Container items."""
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return
    if ranges is None:
        ranges = limit_ranges_in(str(meta(pod).get("namespace") or ""))
    items = _items(ranges, "Container")
    if not items:
        return
    for field in ("initContainers", "containers"):
        containers = spec.get(field)
        for c in containers if isinstance(containers, list) else []:
            if not isinstance(c, dict):
                continue
            if c.get("resources") is None:
                c["resources"] = {}
            resources = c["resources"]
            if not isinstance(resources, dict):
                continue
            for item in items:
                for section, source in (("requests", "defaultRequest"), ("limits", "default")):
                    wanted = _d(item.get(source))
                    if not wanted:
                        continue
                    if resources.get(section) is None:
                        resources[section] = {}
                    if isinstance(resources[section], dict):
                        for name, value in wanted.items():
                            resources[section].setdefault(name, copy.deepcopy(value))


def _problems(kind: str, item: dict, requests: dict[str, Quantity],
              limits: dict[str, Quantity]) -> list[str]:
    problems = []
    for name, raw in sorted(_d(item.get("min")).items()):
        bound = parse(raw)
        if bound is None:
            continue
        req, lim = requests.get(name), limits.get(name)
        if req is None:
            problems.append(f"minimum {name} usage per {kind} is {bound}.  "
                            "No request is specified")
        elif req.value < bound.value:
            problems.append(f"minimum {name} usage per {kind} is {bound}, but request is {req}")
        elif lim is not None and lim.value < bound.value:
            problems.append(f"minimum {name} usage per {kind} is {bound}, but limit is {lim}")
    for name, raw in sorted(_d(item.get("max")).items()):
        bound = parse(raw)
        if bound is None:
            continue
        req, lim = requests.get(name), limits.get(name)
        if lim is None:
            problems.append(f"maximum {name} usage per {kind} is {bound}.  "
                            "No limit is specified")
        elif lim.value > bound.value:
            problems.append(f"maximum {name} usage per {kind} is {bound}, but limit is {lim}")
        elif req is not None and req.value > bound.value:
            problems.append(f"maximum {name} usage per {kind} is {bound}, but request is {req}")
    for name, raw in sorted(_d(item.get("maxLimitRequestRatio")).items()):
        bound = parse(raw)
        req, lim = requests.get(name), limits.get(name)
        if bound is None:
            continue
        if req is None or req.value == 0 or lim is None:
            which = "request" if req is None or req.value == 0 else "limit"
            problems.append(f"{name} max limit to request ratio per {kind} is {bound}, but "
                            f"no {which} is specified or {which} is 0")
            continue
        ratio: Decimal = lim.value / req.value
        if ratio > bound.value:
            problems.append(f"{name} max limit to request ratio per {kind} is {bound}, but "
                            f"provided ratio is {float(ratio):f}")
    return problems


def violations(pod: dict, ranges: list[dict]) -> list[str]:
    """Every min/max/ratio a pod breaks, in Kubernetes' words."""
    spec = _d(pod.get("spec"))
    problems: list[str] = []
    container_items = _items(ranges, "Container")
    for field in ("initContainers", "containers"):
        containers = spec.get(field)
        for c in containers if isinstance(containers, list) else []:
            if not isinstance(c, dict):
                continue
            requests = quota.container_resources(c, "requests")
            limits = quota.container_resources(c, "limits")
            for item in container_items:
                problems += _problems("Container", item, requests, limits)
    for item in _items(ranges, "Pod"):
        problems += _problems("Pod", item, quota.pod_resources(spec, "requests"),
                              quota.pod_resources(spec, "limits"))
    return problems


def enforce(pod: dict, ranges: list[dict] | None = None) -> None:
    """403 Forbidden for a pod outside its namespace's LimitRanges."""
    if ranges is None:
        ranges = limit_ranges_in(str(meta(pod).get("namespace") or ""))
    if not ranges:
        return
    problems = violations(pod, ranges)
    if not problems:
        return
    name = str(meta(pod).get("name", ""))
    detail = problems[0] if len(problems) == 1 else f"[{', '.join(problems)}]"
    raise Forbidden(f'pods "{name}" is forbidden: {detail}', kind="pods", name=name)
