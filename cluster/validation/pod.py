"""PodSpec validation (also used for the pod templates of Deployments and ReplicaSets)."""

from __future__ import annotations

import copy
from typing import Any

from . import names
from .causes import Cause, forbidden, index, invalid, join, not_supported, required
from .containers import validate_container, validate_quantity, validate_resources
from .meta import (
    as_dict,
    as_list,
    check_name,
    check_unique,
    is_int,
    validate_labels,
)
from .schema import VOLUME_SOURCES

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")
TOLERATION_OPS = ("Equal", "Exists")
TAINT_EFFECTS = ("NoExecute", "NoSchedule", "PreferNoSchedule")
MAX_DEADLINE = 2**32 - 1


def _validate_volumes(volumes: Any, path: str) -> tuple[list[Cause], set[str]]:
    causes: list[Cause] = []
    declared: list[tuple[str, Any]] = []
    for i, vol in enumerate(as_list(volumes)):
        if not isinstance(vol, dict):
            continue
        p = index(path, i)
        name = vol.get("name")
        if name in (None, ""):
            causes.append(required(join(p, "name")))
        elif isinstance(name, str):
            causes += check_name(join(p, "name"), name, names.dns1123_label)
            declared.append((join(p, "name"), name))
        sources = [s for s in VOLUME_SOURCES if vol.get(s) is not None]
        if not sources:
            causes.append(required(p, "must specify a volume type"))
        elif len(sources) > 1:
            causes.append(forbidden(join(p, sources[1]), "may not specify more than 1 volume type"))
        else:
            source = sources[0]
            causes += _validate_source(source, as_dict(vol.get(source)), join(p, source))
    names_found = {n for _, n in declared if isinstance(n, str)}
    return causes + check_unique(declared), names_found


# Source type -> the field it can't do without.
_SOURCE_REQUIRED = {"hostPath": "path", "secret": "secretName",
                    "persistentVolumeClaim": "claimName", "nfs": "server", "csi": "driver",
                    "image": "reference"}


def _validate_source(kind: str, body: dict, path: str) -> list[Cause]:
    needed = _SOURCE_REQUIRED.get(kind)
    if needed and not body.get(needed):
        return [required(join(path, needed))]
    if kind == "emptyDir":
        return validate_quantity(body.get("sizeLimit"), join(path, "sizeLimit"))
    return []


def _validate_tolerations(tolerations: Any, path: str) -> list[Cause]:
    causes: list[Cause] = []
    for i, tol in enumerate(as_list(tolerations)):
        if not isinstance(tol, dict):
            continue
        p = index(path, i)
        key, op, effect = tol.get("key"), tol.get("operator"), tol.get("effect")
        if isinstance(key, str) and key:
            causes += check_name(join(p, "key"), key, names.qualified_name)
        if isinstance(op, str) and op and op not in TOLERATION_OPS:
            causes.append(not_supported(join(p, "operator"), op, TOLERATION_OPS))
        elif not key and op != "Exists":
            causes.append(invalid(join(p, "operator"), op if isinstance(op, str) else "",
                                  "operator must be Exists when `key` is empty, which means "
                                  '"match all values and all keys"'))
        if op == "Exists" and tol.get("value"):
            causes.append(invalid(join(p, "operator"), tol.get("value"),
                                  "value must be empty when `operator` is 'Exists'"))
        if isinstance(effect, str) and effect and effect not in TAINT_EFFECTS:
            causes.append(not_supported(join(p, "effect"), effect, TAINT_EFFECTS))
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            causes.append(invalid(join(p, "effect"), effect if isinstance(effect, str) else "",
                                  "effect must be 'NoExecute' when `tolerationSeconds` is set"))
    return causes


def _validate_containers(spec: dict, path: str, volumes: set[str]) -> list[Cause]:
    causes: list[Cause] = []
    containers = spec.get("containers")
    if containers is None or containers == []:
        causes.append(required(join(path, "containers")))
    all_names: list[tuple[str, Any]] = []
    for field, init in (("initContainers", True), ("containers", False)):
        for i, c in enumerate(as_list(spec.get(field))):
            if not isinstance(c, dict):
                continue
            p = index(join(path, field), i)
            causes += validate_container(c, p, volumes, init)
            if isinstance(c.get("name"), str) and c.get("name"):
                all_names.append((join(p, "name"), c["name"]))
    for i, c in enumerate(as_list(spec.get("ephemeralContainers"))):
        if isinstance(c, dict) and isinstance(c.get("name"), str) and c.get("name"):
            all_names.append((join(index(join(path, "ephemeralContainers"), i), "name"),
                              c["name"]))
    return causes + check_unique(all_names)


def _validate_scalars(spec: dict, path: str) -> list[Cause]:
    causes: list[Cause] = []
    restart = spec.get("restartPolicy")
    if isinstance(restart, str) and restart not in RESTART_POLICIES:
        causes.append(not_supported(join(path, "restartPolicy"), restart, RESTART_POLICIES))
    dns = spec.get("dnsPolicy")
    if isinstance(dns, str) and dns not in DNS_POLICIES:
        causes.append(not_supported(join(path, "dnsPolicy"), dns, DNS_POLICIES))
    if dns == "None" and not isinstance(spec.get("dnsConfig"), dict):
        causes.append(required(join(path, "dnsConfig"),
                               "must provide `dnsConfig` when `dnsPolicy` is None"))
    grace = spec.get("terminationGracePeriodSeconds")
    if is_int(grace) and grace < 0:
        causes.append(invalid(join(path, "terminationGracePeriodSeconds"), grace,
                              "must be greater than or equal to 0"))
    deadline = spec.get("activeDeadlineSeconds")
    if is_int(deadline) and not 1 <= deadline <= MAX_DEADLINE:
        causes.append(invalid(join(path, "activeDeadlineSeconds"), deadline,
                              f"must be between 1 and {MAX_DEADLINE}, inclusive"))
    for field in ("serviceAccountName", "priorityClassName", "nodeName", "schedulerName"):
        value = spec.get(field)
        if isinstance(value, str) and value:
            causes += check_name(join(path, field), value, names.dns1123_subdomain)
    for field in ("hostname", "subdomain"):
        value = spec.get(field)
        if isinstance(value, str) and value:
            causes += check_name(join(path, field), value, names.dns1123_label)
    return causes


def validate_pod_spec(spec: Any, path: str) -> list[Cause]:
    """Everything inside a PodSpec; `path` is where it lives ("spec" or "spec.template.spec")."""
    if not isinstance(spec, dict):
        return [required(path)] if spec is None else []
    causes, volumes = _validate_volumes(spec.get("volumes"), join(path, "volumes"))
    causes += _validate_containers(spec, path, volumes)
    causes += _validate_scalars(spec, path)
    causes += validate_labels(spec.get("nodeSelector"), join(path, "nodeSelector"))
    causes += _validate_tolerations(spec.get("tolerations"), join(path, "tolerations"))
    causes += validate_resources(spec.get("resources"), join(path, "resources"))
    for i, gate in enumerate(as_list(spec.get("readinessGates"))):
        ctype = as_dict(gate).get("conditionType")
        if isinstance(ctype, str):
            p = join(index(join(path, "readinessGates"), i), "conditionType")
            causes += check_name(p, ctype, names.qualified_name)
    return causes


_UPDATABLE_MSG = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
    "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
    "(allow it to be set to 1 if it was previously negative)"
)


def _copy_images(new_spec: dict, old_spec: dict) -> None:
    """Overwrite the images in new_spec with old ones so they don't count as a change."""
    for field in ("containers", "initContainers"):
        new_list, old_list = as_list(new_spec.get(field)), as_list(old_spec.get(field))
        if len(new_list) != len(old_list):
            continue
        for new_c, old_c in zip(new_list, old_list, strict=True):
            if isinstance(new_c, dict) and isinstance(old_c, dict):
                if "image" in old_c:
                    new_c["image"] = old_c["image"]
                else:
                    new_c.pop("image", None)


def validate_pod_update(new_spec: Any, old_spec: Any, path: str = "spec") -> list[Cause]:
    """Pods are mostly immutable: only images, deadline and added tolerations may change."""
    if not isinstance(new_spec, dict) or not isinstance(old_spec, dict):
        return []
    causes: list[Cause] = []
    old_deadline, new_deadline = old_spec.get("activeDeadlineSeconds"), new_spec.get(
        "activeDeadlineSeconds")
    if is_int(old_deadline) and old_deadline > 0:
        if new_deadline is None:
            causes.append(invalid(join(path, "activeDeadlineSeconds"), None,
                                  "must not update from a positive integer to nil value"))
        elif is_int(new_deadline) and new_deadline > old_deadline:
            causes.append(invalid(join(path, "activeDeadlineSeconds"), new_deadline,
                                  "must be less than or equal to previous value"))
    try:
        mutable = copy.deepcopy(new_spec)
    except RecursionError:
        return causes + [forbidden(path, _UPDATABLE_MSG)]
    _copy_images(mutable, old_spec)
    for field in ("activeDeadlineSeconds",):
        if field in old_spec:
            mutable[field] = old_spec[field]
        else:
            mutable.pop(field, None)
    old_tols, new_tols = as_list(old_spec.get("tolerations")), as_list(mutable.get("tolerations"))
    if all(t in new_tols for t in old_tols):
        if "tolerations" in old_spec:
            mutable["tolerations"] = old_spec["tolerations"]
        else:
            mutable.pop("tolerations", None)
    old_grace = old_spec.get("terminationGracePeriodSeconds")
    if is_int(old_grace) and old_grace < 0 and mutable.get("terminationGracePeriodSeconds") == 1:
        mutable["terminationGracePeriodSeconds"] = old_grace
    try:
        changed = mutable != old_spec
    except RecursionError:  # absurdly nested garbage: treat as a change
        changed = True
    if changed:
        causes.append(forbidden(path, _UPDATABLE_MSG))
    return causes
