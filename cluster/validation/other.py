"""Namespace, Node, Event and Lease validation (all fairly small)."""

from __future__ import annotations

from datetime import datetime

from . import names
from .causes import Cause, index, invalid, join, key, not_supported, required
from .containers import validate_quantity
from .meta import as_dict, as_list, check_name, is_int
from .pod import TAINT_EFFECTS


def validate_namespace(obj: dict) -> list[Cause]:
    causes: list[Cause] = []
    for i, fin in enumerate(as_list(as_dict(obj.get("spec")).get("finalizers"))):
        if isinstance(fin, str):
            causes += check_name(index("spec.finalizers", i), fin, names.qualified_name)
    return causes


def validate_node(obj: dict) -> list[Cause]:
    causes: list[Cause] = []
    status = as_dict(obj.get("status"))
    for section in ("capacity", "allocatable"):
        for name, value in as_dict(status.get(section)).items():
            causes += validate_quantity(value, key(join("status", section), str(name)))
    for i, taint in enumerate(as_list(as_dict(obj.get("spec")).get("taints"))):
        if not isinstance(taint, dict):
            continue
        p = index("spec.taints", i)
        tkey, effect = taint.get("key"), taint.get("effect")
        if tkey in (None, ""):
            causes.append(required(join(p, "key")))
        elif isinstance(tkey, str):
            causes += check_name(join(p, "key"), tkey, names.qualified_name)
        if effect in (None, ""):
            causes.append(required(join(p, "effect")))
        elif isinstance(effect, str) and effect not in TAINT_EFFECTS:
            causes.append(not_supported(join(p, "effect"), effect, TAINT_EFFECTS))
    return causes


_CLUSTER_SCOPED = ("Node", "Namespace")


def validate_event(obj: dict) -> list[Cause]:
    involved = obj.get("involvedObject")
    if not isinstance(involved, dict) or not involved:
        return [required("involvedObject")] if involved in (None, {}) else []
    causes: list[Cause] = []
    event_ns = as_dict(obj.get("metadata")).get("namespace")
    obj_ns = involved.get("namespace")
    if (isinstance(obj_ns, str) and obj_ns and isinstance(event_ns, str) and event_ns
            and obj_ns != event_ns and involved.get("kind") not in _CLUSTER_SCOPED):
        causes.append(invalid("involvedObject.namespace", obj_ns,
                              "does not match event.namespace"))
    etype = obj.get("type")
    if isinstance(etype, str) and etype and etype not in ("Normal", "Warning"):
        causes.append(not_supported("type", etype, ("Normal", "Warning")))
    count = obj.get("count")
    if is_int(count) and count < 0:
        causes.append(invalid("count", count, "must be greater than or equal to 0"))
    return causes


def _is_timestamp(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def validate_lease(obj: dict) -> list[Cause]:
    spec = as_dict(obj.get("spec"))
    causes: list[Cause] = []
    duration = spec.get("leaseDurationSeconds")
    if is_int(duration) and duration <= 0:
        causes.append(invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    transitions = spec.get("leaseTransitions")
    if is_int(transitions) and transitions < 0:
        causes.append(invalid("spec.leaseTransitions", transitions,
                              "must be greater than or equal to 0"))
    for field in ("acquireTime", "renewTime"):
        value = spec.get(field)
        if isinstance(value, str) and value and not _is_timestamp(value):
            causes.append(invalid(join("spec", field), value, "must be an RFC 3339 timestamp "
                                  "(e.g. 2006-01-02T15:04:05.000000Z)"))
    if spec.get("preferredHolder") and not spec.get("strategy"):
        causes.append(required("spec.strategy",
                               "must be specified when preferredHolder is set"))
    return causes
