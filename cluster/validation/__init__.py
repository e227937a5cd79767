"""Kubernetes-style validation, defaulting and strict field checking for kubelab objects.

Pure Python (no Django, no database). Callers apply `apply_defaults` first, then `validate`,
and turn a non-empty cause list into a 422 `Invalid` Status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import names
from .causes import Cause, type_invalid
from .defaults import apply_defaults, pod_spec_paths
from .meta import NameCheck, validate_meta_update, validate_object_meta
from .other import validate_event, validate_lease, validate_namespace, validate_node
from .pod import validate_pod_spec, validate_pod_update
from .quota import validate_limit_range, validate_resource_quota
from .service import validate_endpoints, validate_service, validate_service_update
from .walker import type_errors, unknown_fields, zero_null_values
from .workloads import validate_deployment, validate_replicaset, validate_selector_update

__all__ = [
    "Cause",
    "apply_defaults",
    "pod_spec_paths",
    "unknown_fields",
    "validate",
    "validate_status",
    "zero_null_values",
    "CLUSTER_SCOPED_KINDS",
]

CLUSTER_SCOPED_KINDS = frozenset({"Namespace", "Node"})

# Namespace names are DNS labels; Service names are DNS-1035 labels (they become DNS names
# and env var prefixes, so they must start with a letter); everything else is a subdomain.
_NAME_CHECKS: dict[str, NameCheck] = {
    "Namespace": names.dns1123_label,
    "Service": names.dns1035_label,
}


def _validate_pod(obj: dict) -> list[Cause]:
    return validate_pod_spec(obj.get("spec"), "spec")


_SPEC_CHECKS: dict[str, Callable[[dict], list[Cause]]] = {
    "Pod": _validate_pod,
    "Deployment": validate_deployment,
    "ReplicaSet": validate_replicaset,
    "Service": validate_service,
    "Endpoints": validate_endpoints,
    "Namespace": validate_namespace,
    "Node": validate_node,
    "Event": validate_event,
    "Lease": validate_lease,
    "ResourceQuota": validate_resource_quota,
    "LimitRange": validate_limit_range,
}


def _update_checks(kind: str, obj: dict, old: dict) -> list[Cause]:
    causes = validate_meta_update(obj.get("metadata"), old.get("metadata"))
    if kind == "Pod":
        causes += validate_pod_update(obj.get("spec"), old.get("spec"))
    elif kind in ("Deployment", "ReplicaSet"):
        causes += validate_selector_update(obj, old)
    elif kind == "Service":
        causes += validate_service_update(obj, old)
    return causes


def validate(kind: str, obj: Any, old: dict | None = None) -> list[Cause]:
    """All causes that make `obj` invalid (empty list = valid). Never raises.

    `old` is the stored object on update, enabling immutability checks.
    """
    if not isinstance(obj, dict):
        return [type_invalid("", obj, "object")]
    try:
        causes = type_errors(kind, obj)
        causes += validate_object_meta(
            obj.get("metadata"),
            namespaced=kind not in CLUSTER_SCOPED_KINDS,
            name_check=_NAME_CHECKS.get(kind, names.dns1123_subdomain),
        )
        check = _SPEC_CHECKS.get(kind)
        if check is not None:
            causes += check(obj)
        if isinstance(old, dict):
            causes += _update_checks(kind, obj, old)
    except RecursionError:
        # Only reachable with absurdly nested input; refuse it rather than crash.
        return [type_invalid("", "<object>", "object (nesting too deep)")]
    return _dedupe(causes)


# Kinds whose checks read status (quantities in Node and ResourceQuota status).
_STATUS_CHECKED = frozenset({"Node", "ResourceQuota"})


def validate_status(kind: str, obj: Any, old: dict) -> list[Cause]:
    """`validate` for a write of the status subresource. Its metadata and spec are the
    stored object's (the subresource cannot change them) and were valid when stored, so
    only status is walked: re-checking a pod's whole spec on every status write was a
    quarter of the node simulator's time."""
    if kind in _STATUS_CHECKED or not isinstance(obj, dict):
        return validate(kind, obj, old)
    try:
        return _dedupe(type_errors(kind, {"status": obj.get("status")}))
    except RecursionError:
        return [type_invalid("status", "<object>", "object (nesting too deep)")]


def _dedupe(causes: list[Cause]) -> list[Cause]:
    """Drop exact repeats (e.g. a bad value reported via two routes) keeping order."""
    seen: set[tuple[str, str, str]] = set()
    out: list[Cause] = []
    for cause in causes:
        ident = (cause["reason"], cause["field"], cause["message"])
        if ident not in seen:
            seen.add(ident)
            out.append(cause)
    return out

