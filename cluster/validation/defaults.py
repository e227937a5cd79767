"""Kubernetes API defaulting, applied before validation and before storing.

Every helper skips values of the wrong type instead of failing: `validate()` is where a
malformed object gets reported, so defaulting must never raise.
"""

from __future__ import annotations

from typing import Any

from .quota import default_limit_range
from .walker import zero_null_values

_POD_SPEC_PATHS = {"Pod": "spec", "Deployment": "spec.template.spec",
                   "ReplicaSet": "spec.template.spec"}

_PROBE_DEFAULTS = {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
                   "failureThreshold": 3}


def pod_spec_paths(kind: str) -> str | None:
    """Dotted path of the PodSpec inside objects of this kind, or None if it has none."""
    return _POD_SPEC_PATHS.get(kind)


def _dig(obj: Any, dotted: str) -> dict | None:
    for part in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj if isinstance(obj, dict) else None


def _child(obj: dict, field: str) -> dict | None:
    """obj[field] as a dict, created if missing; None if something else is there."""
    if obj.get(field) is None:
        obj[field] = {}
    value = obj[field]
    return value if isinstance(value, dict) else None


def _image_pull_policy(image: Any) -> str:
    # ":latest" or no tag means the image may change under the same name: always pull.
    if not isinstance(image, str) or "@" in image:
        return "IfNotPresent" if isinstance(image, str) else "Always"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "Always"
    return "Always" if last.rsplit(":", 1)[1] == "latest" else "IfNotPresent"


def _default_probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    for field, value in _PROBE_DEFAULTS.items():
        probe.setdefault(field, value)
    http = probe.get("httpGet")
    if isinstance(http, dict):
        http.setdefault("path", "/")
        http.setdefault("scheme", "HTTP")


def _default_container(c: Any) -> None:
    if not isinstance(c, dict):
        return
    if c.get("imagePullPolicy") in (None, ""):
        c["imagePullPolicy"] = _image_pull_policy(c.get("image"))
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    if c.get("resources") is None:
        c["resources"] = {}
    ports = c.get("ports")
    for port in ports if isinstance(ports, list) else []:
        if isinstance(port, dict) and port.get("protocol") in (None, ""):
            port["protocol"] = "TCP"
    env = c.get("env")
    for var in env if isinstance(env, list) else []:
        field_ref = _dig(var, "valueFrom.fieldRef")
        if field_ref is not None:
            field_ref.setdefault("apiVersion", "v1")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(c.get(probe))


def _default_pod_spec(spec: dict) -> None:
    for field, value in (("restartPolicy", "Always"), ("terminationGracePeriodSeconds", 30),
                         ("dnsPolicy", "ClusterFirst"), ("schedulerName", "default-scheduler")):
        if spec.get(field) in (None, ""):
            spec[field] = value
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    for field in ("containers", "initContainers", "ephemeralContainers"):
        containers = spec.get(field)
        for c in containers if isinstance(containers, list) else []:
            _default_container(c)


def _requests_from_limits(spec: dict) -> None:
    """A bare Pod whose container only sets limits gets identical requests (as in v1)."""
    containers = spec.get("containers")
    for c in containers if isinstance(containers, list) else []:
        resources = _dig(c, "resources")
        if resources is None or not isinstance(resources.get("limits"), dict):
            continue
        requests = _child(resources, "requests")
        if requests is None:
            continue
        for name, value in resources["limits"].items():
            requests.setdefault(name, value)


def _default_deployment(obj: dict) -> None:
    spec = _child(obj, "spec")
    if spec is None:
        return
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    strategy = _child(spec, "strategy")
    if strategy is not None:
        if strategy.get("type") in (None, ""):
            strategy["type"] = "RollingUpdate"
        if strategy.get("type") == "RollingUpdate":
            rolling = _child(strategy, "rollingUpdate")
            if rolling is not None:
                rolling.setdefault("maxUnavailable", "25%")
                rolling.setdefault("maxSurge", "25%")
                for field in ("maxUnavailable", "maxSurge"):
                    if rolling[field] is None:
                        rolling[field] = "25%"
    for field, value in (("revisionHistoryLimit", 10), ("progressDeadlineSeconds", 600)):
        if spec.get(field) is None:
            spec[field] = value


def _default_service(obj: dict) -> None:
    spec = _child(obj, "spec")
    if spec is None:
        return
    for field, value in (("type", "ClusterIP"), ("sessionAffinity", "None")):
        if spec.get(field) in (None, ""):
            spec[field] = value
    if spec["type"] != "ExternalName" and spec.get("internalTrafficPolicy") in (None, ""):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] in ("NodePort", "LoadBalancer") and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    ports = spec.get("ports")
    for port in ports if isinstance(ports, list) else []:
        if not isinstance(port, dict):
            continue
        if port.get("protocol") in (None, ""):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, "") and port.get("port") is not None:
            port["targetPort"] = port["port"]


def _default_namespace(obj: dict) -> None:
    # kube-apiserver always labels a namespace with its own name (used by selectors).
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        return
    labels = _child(meta, "labels")
    if labels is not None:
        labels["kubernetes.io/metadata.name"] = meta["name"]


def apply_defaults(kind: str, obj: dict) -> None:
    """Fill in the fields Kubernetes defaults, in place. Never raises."""
    if not isinstance(obj, dict):
        return
    zero_null_values(kind, obj)
    if kind == "Deployment":
        _default_deployment(obj)
    elif kind == "ReplicaSet":
        spec = _child(obj, "spec")
        if spec is not None and spec.get("replicas") is None:
            spec["replicas"] = 1
    elif kind == "Service":
        _default_service(obj)
    elif kind == "Namespace":
        _default_namespace(obj)
    elif kind == "LimitRange":
        default_limit_range(obj)
    path = pod_spec_paths(kind)
    pod_spec = _dig(obj, path) if path else None
    if pod_spec is not None:
        _default_pod_spec(pod_spec)
        if kind == "Pod":
            _requests_from_limits(pod_spec)
