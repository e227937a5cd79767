"""Per-container checks: name, image, ports, env, resources, probes, volume mounts."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from kubernetes.utils import parse_quantity

from . import names
from .causes import Cause, forbidden, index, invalid, join, key, not_found, not_supported, required
from .meta import as_dict, as_list, check_name, check_unique, is_int

PROTOCOLS = ("SCTP", "TCP", "UDP")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
MESSAGE_POLICIES = ("FallbackToLogsOnError", "File")
STANDARD_RESOURCES = ("cpu", "memory", "ephemeral-storage")
_QUANTITY_RE = re.compile(r"([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)")
QUANTITY_MSG = ("quantities must match the regular expression "
                "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


def parse_qty(value: Any) -> Decimal | None:
    """Parse a quantity, or None if it isn't one (never raises, unlike parse_quantity)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(value) if math.isfinite(value) else None
    if not isinstance(value, str) or len(value) > 1000 or not _QUANTITY_RE.fullmatch(value):
        return None  # the regex also keeps "NaN"/"Infinity" away from Decimal
    try:
        parsed = parse_quantity(value)
    except (ValueError, ArithmeticError, TypeError):
        return None
    return parsed if parsed.is_finite() else None


def validate_quantity(value: Any, path: str) -> list[Cause]:
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return []  # wrong types are the type walker's job
    qty = parse_qty(value)
    if qty is None:
        return [invalid(path, value, QUANTITY_MSG)]
    if qty < 0:
        return [invalid(path, value, "must be greater than or equal to 0")]
    return []


def _resource_name(name: str, path: str) -> list[Cause]:
    if "/" in name:
        return check_name(path, name, names.qualified_name)
    if name in STANDARD_RESOURCES or name.startswith("hugepages-"):
        return []
    return [invalid(path, name, "must be a standard resource for containers")]


def validate_resources(res: Any, path: str) -> list[Cause]:
    res = as_dict(res)
    causes: list[Cause] = []
    parsed: dict[str, dict[str, Decimal]] = {"limits": {}, "requests": {}}
    for section in ("limits", "requests"):
        sec_path = join(path, section)
        for name, value in as_dict(res.get(section)).items():
            if not isinstance(name, str):
                continue
            item_path = key(sec_path, name)
            causes += _resource_name(name, item_path)
            causes += validate_quantity(value, item_path)
            qty = parse_qty(value)
            if qty is not None:
                parsed[section][name] = qty
    for name, req in parsed["requests"].items():
        lim = parsed["limits"].get(name)
        if lim is not None and req > lim:
            shown_req = res["requests"][name]
            causes.append(invalid(join(path, "requests"), str(shown_req),
                                  f"must be less than or equal to {name} limit of "
                                  f"{res['limits'][name]}"))
    return causes


def _port_num_or_name(value: Any, path: str) -> list[Cause]:
    if is_int(value):
        return [invalid(path, value, m) for m in names.port_number(value)]
    if isinstance(value, str):
        return [invalid(path, value, m) for m in names.iana_svc_name(value)]
    return [required(path)] if value is None else []


def _non_negative(obj: dict, field: str, path: str) -> list[Cause]:
    value = obj.get(field)
    if is_int(value) and value < 0:
        return [invalid(join(path, field), value, "must be greater than or equal to 0")]
    return []


_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")


def _handler(obj: dict, path: str, allowed: tuple[str, ...]) -> list[Cause]:
    present = [h for h in allowed if obj.get(h) is not None]
    if not present:
        return [required(path, "must specify a handler type")]
    if len(present) > 1:
        return [forbidden(join(path, present[1]), "may not specify more than 1 handler type")]
    which = present[0]
    body = as_dict(obj.get(which))
    hp = join(path, which)
    if which == "exec" and not as_list(body.get("command")):
        return [required(join(hp, "command"))]
    if which in ("httpGet", "tcpSocket"):
        return _port_num_or_name(body.get("port"), join(hp, "port"))
    if which == "grpc":
        port = body.get("port")
        if is_int(port):
            return [invalid(join(hp, "port"), port, m) for m in names.port_number(port)]
        return [required(join(hp, "port"))] if port is None else []
    if which == "sleep":
        secs = body.get("seconds")
        if is_int(secs) and secs < 0:
            return [invalid(join(hp, "seconds"), secs, "must be greater than or equal to 0")]
    return []


def validate_probe(probe: Any, path: str, must_succeed_once: bool) -> list[Cause]:
    if not isinstance(probe, dict):
        return []
    causes = _handler(probe, path, _HANDLERS)
    for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                  "successThreshold", "failureThreshold"):
        causes += _non_negative(probe, field, path)
    grace = probe.get("terminationGracePeriodSeconds")
    if is_int(grace) and grace <= 0:
        causes.append(invalid(join(path, "terminationGracePeriodSeconds"), grace,
                              "must be greater than 0"))
    success = probe.get("successThreshold")
    if must_succeed_once and is_int(success) and success != 1:
        causes.append(invalid(join(path, "successThreshold"), success, "must be 1"))
    return causes


def _validate_ports(ports: Any, path: str) -> list[Cause]:
    causes: list[Cause] = []
    seen_names: list[tuple[str, Any]] = []
    for i, port in enumerate(as_list(ports)):
        if not isinstance(port, dict):
            continue
        p = index(path, i)
        cport = port.get("containerPort")
        if cport in (None, 0):
            causes.append(required(join(p, "containerPort")))
        elif is_int(cport):
            causes += [invalid(join(p, "containerPort"), cport, m)
                       for m in names.port_number(cport)]
        hport = port.get("hostPort")
        if is_int(hport) and hport != 0:
            causes += [invalid(join(p, "hostPort"), hport, m) for m in names.port_number(hport)]
        proto = port.get("protocol")
        if isinstance(proto, str) and proto not in PROTOCOLS:
            causes.append(not_supported(join(p, "protocol"), proto, PROTOCOLS))
        name = port.get("name")
        if isinstance(name, str) and name:
            causes += check_name(join(p, "name"), name, names.iana_svc_name)
            seen_names.append((join(p, "name"), name))
        host_ip = port.get("hostIP")
        if isinstance(host_ip, str) and host_ip:
            causes += check_name(join(p, "hostIP"), host_ip, names.ip_address)
    return causes + check_unique(seen_names)


_ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")


def _validate_env(env: Any, path: str) -> list[Cause]:
    causes: list[Cause] = []
    for i, var in enumerate(as_list(env)):
        if not isinstance(var, dict):
            continue
        p = index(path, i)
        name = var.get("name")
        if name in (None, ""):
            causes.append(required(join(p, "name")))
        elif isinstance(name, str):
            causes += check_name(join(p, "name"), name, names.env_var_name)
        source = var.get("valueFrom")
        if not isinstance(source, dict):
            continue
        vp = join(p, "valueFrom")
        if var.get("value"):
            causes.append(invalid(vp, "", "may not be specified when `value` is not empty"))
        present = [s for s in _ENV_SOURCES if source.get(s) is not None]
        if not present:
            causes.append(invalid(vp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, "
                                          "`configMapKeyRef` or `secretKeyRef`"))
        elif len(present) > 1:
            causes.append(invalid(vp, "", "may not have more than one field specified at a time"))
        for src, needed in (("configMapKeyRef", "key"), ("secretKeyRef", "key"),
                            ("fieldRef", "fieldPath"), ("resourceFieldRef", "resource")):
            body = source.get(src)
            if isinstance(body, dict) and not body.get(needed):
                causes.append(required(join(join(vp, src), needed)))
    return causes


def _validate_mounts(mounts: Any, path: str, volumes: set[str]) -> list[Cause]:
    causes: list[Cause] = []
    seen_paths: set[str] = set()
    for i, mount in enumerate(as_list(mounts)):
        if not isinstance(mount, dict):
            continue
        p = index(path, i)
        name = mount.get("name")
        if name in (None, ""):
            causes.append(required(join(p, "name")))
        elif isinstance(name, str) and name not in volumes:
            causes.append(not_found(join(p, "name"), name))
        mpath = mount.get("mountPath")
        if mpath in (None, ""):
            causes.append(required(join(p, "mountPath")))
        elif isinstance(mpath, str):
            if mpath in seen_paths:
                causes.append(invalid(join(p, "mountPath"), mpath, "must be unique"))
            seen_paths.add(mpath)
    return causes


def validate_container(c: dict, path: str, volumes: set[str], init: bool) -> list[Cause]:
    """One container; `init` enables the sidecar rules for initContainers."""
    causes: list[Cause] = []
    name = c.get("name")
    if name in (None, ""):
        causes.append(required(join(path, "name")))
    elif isinstance(name, str):
        causes += check_name(join(path, "name"), name, names.dns1123_label)
    image = c.get("image")
    if image is None or (isinstance(image, str) and not image.strip()):
        causes.append(required(join(path, "image")))
    causes += _validate_ports(c.get("ports"), join(path, "ports"))
    causes += _validate_env(c.get("env"), join(path, "env"))
    for i, src in enumerate(as_list(c.get("envFrom"))):
        if isinstance(src, dict):
            refs = [r for r in ("configMapRef", "secretRef") if src.get(r) is not None]
            if len(refs) != 1:
                causes.append(invalid(index(join(path, "envFrom"), i), "",
                                      "must specify one of: `configMapRef` or `secretRef`"))
    causes += validate_resources(c.get("resources"), join(path, "resources"))
    causes += _validate_mounts(c.get("volumeMounts"), join(path, "volumeMounts"), volumes)
    policy = c.get("imagePullPolicy")
    if isinstance(policy, str) and policy not in PULL_POLICIES:
        causes.append(not_supported(join(path, "imagePullPolicy"), policy, PULL_POLICIES))
    msg_policy = c.get("terminationMessagePolicy")
    if isinstance(msg_policy, str) and msg_policy not in MESSAGE_POLICIES:
        causes.append(not_supported(join(path, "terminationMessagePolicy"), msg_policy,
                                    MESSAGE_POLICIES))
    restart = c.get("restartPolicy")
    sidecar = init and restart == "Always"
    if restart is not None and not init:
        causes.append(forbidden(join(path, "restartPolicy"),
                                "may not be set for non-init containers"))
    elif isinstance(restart, str) and init and restart != "Always":
        causes.append(not_supported(join(path, "restartPolicy"), restart, ("Always",)))
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if c.get(probe) is None:
            continue
        if init and not sidecar:
            causes.append(forbidden(join(path, probe),
                                    "may not be set for init containers without "
                                    "restartPolicy=Always"))
            continue
        causes += validate_probe(c.get(probe), join(path, probe), probe != "readinessProbe")
    lifecycle = as_dict(c.get("lifecycle"))
    for hook in ("postStart", "preStop"):
        handler = lifecycle.get(hook)
        if isinstance(handler, dict):
            causes += _handler(handler, join(join(path, "lifecycle"), hook),
                               ("exec", "httpGet", "tcpSocket", "sleep"))
    return causes
