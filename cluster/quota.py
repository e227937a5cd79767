"""ResourceQuota arithmetic: what an object uses, what a quota allows, and the refusal.

Pure functions over plain objects (no database): `cluster.quota_admission` feeds them the
stored objects under the store's revision lock, the quota controller feeds them the same
objects to write `status.used`. Resource names follow Kubernetes:

- `pods`, `services`, `configmaps`, `resourcequotas`, `services.nodeports`,
  `services.loadbalancers`, and `count/<plural>[.<group>]` for any namespaced kind;
- `requests.<r>` / `limits.<r>` for container resources (cpu, memory, ephemeral-storage,
  hugepages-*), with bare `cpu`, `memory`, ... meaning `requests.<r>`.

A pod that has finished (Succeeded or Failed) uses nothing, as in Kubernetes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cluster.quantity import ZERO, Quantity, count, parse

Usage = dict[str, Quantity]

# Object-count names Kubernetes spells without the count/ prefix.
_SHORT_COUNTS = {"pods": "Pod", "services": "Service", "configmaps": "ConfigMap",
                 "resourcequotas": "ResourceQuota"}
_TERMINAL = ("Succeeded", "Failed")
COMPUTE_PREFIXES = ("requests.", "limits.")
BARE_COMPUTE = ("cpu", "memory", "ephemeral-storage")


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _containers(spec: dict, field: str) -> list[dict]:
    items = spec.get(field)
    return [c for c in items if isinstance(c, dict)] if isinstance(items, list) else []


def count_name(plural: str, group: str) -> str:
    return f"count/{plural}.{group}" if group else f"count/{plural}"


def is_terminal(pod: dict) -> bool:
    return _d(pod.get("status")).get("phase") in _TERMINAL


def container_resources(container: dict, section: str) -> Usage:
    out: Usage = {}
    for name, raw in _d(_d(container.get("resources")).get(section)).items():
        q = parse(raw)
        if q is not None and isinstance(name, str):
            out[name] = q
    return out


def pod_resources(spec: dict, section: str) -> Usage:
    """A pod's effective requests or limits: the sum over its containers and sidecars,
    or the largest init container if that is more (init containers run one at a time,
    before the others), plus the pod's overhead."""
    total: Usage = {}
    init_peak: Usage = {}
    for c in _containers(spec, "containers"):
        total = add(total, container_resources(c, section))
    for c in _containers(spec, "initContainers"):
        if c.get("restartPolicy") == "Always":  # a sidecar runs beside the app
            total = add(total, container_resources(c, section))
        else:
            for name, q in container_resources(c, section).items():
                if q.value > init_peak.get(name, ZERO).value:
                    init_peak[name] = q
    for name, q in init_peak.items():
        if q.value > total.get(name, ZERO).value:
            total[name] = q
    overhead = {k: q for k, raw in _d(spec.get("overhead")).items()
                if (q := parse(raw)) is not None}
    return add(total, overhead) if total or overhead else total


def pod_usage(pod: dict) -> Usage:
    if is_terminal(pod):
        return {}
    spec = _d(pod.get("spec"))
    usage: Usage = {"pods": count(1), "count/pods": count(1)}
    requests, limits = pod_resources(spec, "requests"), pod_resources(spec, "limits")
    for name, q in requests.items():
        usage[f"requests.{name}"] = q
        if name in BARE_COMPUTE or name.startswith("hugepages-"):
            usage[name] = q
    for name, q in limits.items():
        usage[f"limits.{name}"] = q
    return usage


def object_usage(kind: str, plural: str, group: str, obj: dict) -> Usage:
    """What one object counts against a quota."""
    if kind == "Pod":
        return pod_usage(obj)
    usage: Usage = {count_name(plural, group): count(1)}
    short = next((k for k, v in _SHORT_COUNTS.items() if v == kind), None)
    if short:
        usage[short] = count(1)
    if kind == "Service":
        spec = _d(obj.get("spec"))
        kind_of_service = spec.get("type")
        if kind_of_service in ("NodePort", "LoadBalancer"):
            ports = spec.get("ports") if isinstance(spec.get("ports"), list) else []
            usage["services.nodeports"] = count(len(ports))
        if kind_of_service == "LoadBalancer":
            usage["services.loadbalancers"] = count(1)
    return usage


def add(a: Usage, b: Usage) -> Usage:
    out = dict(a)
    for name, q in b.items():
        out[name] = out[name] + q if name in out else q
    return out


def kind_for(resource: str) -> str | None:
    """The kind whose objects a quota resource counts, by name; None for count/<plural>
    names (looked up in the registry by the caller) and unknown names."""
    if resource in _SHORT_COUNTS:
        return _SHORT_COUNTS[resource]
    if resource.startswith("services."):
        return "Service"
    if resource.startswith(COMPUTE_PREFIXES) or resource in BARE_COMPUTE \
            or resource.startswith("hugepages-"):
        return "Pod"
    return None


def hard_of(quota: dict) -> Usage:
    return {name: q for name, raw in _d(_d(quota.get("spec")).get("hard")).items()
            if isinstance(name, str) and (q := parse(raw)) is not None}


@dataclass
class Refusal:
    """Why a create does not fit a quota; `message` is what the user reads."""

    quota: str
    message: str


def missing_requests(pod: dict, hard: Usage) -> list[tuple[str, list[str]]]:
    """Compute resources the quota constrains that some container leaves unset:
    [(resource name, [container names])], sorted by resource."""
    spec = _d(pod.get("spec"))
    containers = _containers(spec, "containers") + _containers(spec, "initContainers")
    missing = []
    for resource in sorted(hard):
        if resource.startswith(COMPUTE_PREFIXES):
            section, _, name = resource.partition(".")
        elif resource in BARE_COMPUTE:
            section, name = "requests", resource
        else:
            continue
        if name not in ("cpu", "memory"):
            continue  # Kubernetes only insists on cpu and memory being specified
        lacking = [str(c.get("name", "")) for c in containers
                   if name not in _d(_d(c.get("resources")).get(section))]
        if lacking:
            missing.append((resource, lacking))
    return missing


def check(name: str, hard: Usage, used: Usage, delta: Usage) -> Refusal | None:
    """None when `delta` fits in what `hard` leaves over `used`, else the refusal with
    every resource that would be exceeded, in name order."""
    over = sorted(r for r, q in delta.items()
                  if r in hard and q.value > 0
                  and used.get(r, ZERO).value + q.value > hard[r].value)
    if not over:
        return None

    def shown(values: Usage) -> str:
        return ",".join(f"{r}={values.get(r, _zero_like(hard[r]))}" for r in over)
    return Refusal(name, f"exceeded quota: {name}, requested: {shown(delta)}, "
                         f"used: {shown(used)}, limited: {shown(hard)}")


def _zero_like(q: Quantity) -> Quantity:
    return Quantity(ZERO.value, q.binary)


def must_specify(name: str, missing: list[tuple[str, list[str]]]) -> Refusal:
    parts = "; ".join(f"{r} for: {','.join(cs)}" for r, cs in missing)
    return Refusal(name, f"failed quota: {name}: must specify {parts}")


def usage_for(hard: Usage, objects_usage: list[Usage]) -> Usage:
    """status.used: the sum over objects, for every resource the quota names (0 when
    nothing uses it), printed in the format its hard limit was written in when 0."""
    total: Usage = {}
    for usage in objects_usage:
        total = add(total, {r: q for r, q in usage.items() if r in hard})
    return {r: total.get(r, _zero_like(q)) for r, q in hard.items()}
