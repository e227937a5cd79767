"""ResourceQuota and LimitRange: validation, and a LimitRange's own defaults."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import names
from .causes import Cause, index, invalid, join, key, not_supported, required
from .containers import parse_qty, validate_quantity
from .meta import as_dict, as_list, check_name

QUOTA_SCOPES = ("BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating",
                "PriorityClass", "Terminating")
SCOPE_OPERATORS = ("DoesNotExist", "Exists", "In", "NotIn")
LIMIT_TYPES = ("Container", "PersistentVolumeClaim", "Pod")
_QUOTA_NAMES = ("pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
                "configmaps", "persistentvolumeclaims", "services.nodeports",
                "services.loadbalancers", "cpu", "memory", "ephemeral-storage", "storage")
_COMPUTE = ("cpu", "memory", "ephemeral-storage", "storage")


def _quota_resource_name(name: str, path: str) -> list[Cause]:
    if name in _QUOTA_NAMES or name.startswith(("count/", "hugepages-")):
        return []
    prefix, _, rest = name.partition(".")
    if prefix in ("requests", "limits") and rest and (
            rest in _COMPUTE or rest.startswith("hugepages-") or "/" in rest):
        return []
    if "/" in name:
        return check_name(path, name, names.qualified_name)
    return [invalid(path, name, "must be a standard resource for quota")]


def _quantities(values: Any, path: str, check_names: bool = False) -> list[Cause]:
    causes: list[Cause] = []
    for name, value in as_dict(values).items():
        item = key(path, str(name))
        if check_names and isinstance(name, str):
            causes += _quota_resource_name(name, item)
        causes += validate_quantity(value, item)
    return causes


def validate_resource_quota(obj: dict) -> list[Cause]:
    spec = as_dict(obj.get("spec"))
    causes = _quantities(spec.get("hard"), "spec.hard", check_names=True)
    for i, scope in enumerate(as_list(spec.get("scopes"))):
        if isinstance(scope, str) and scope not in QUOTA_SCOPES:
            causes.append(not_supported(index("spec.scopes", i), scope, QUOTA_SCOPES))
    selector = as_dict(spec.get("scopeSelector"))
    for i, expr in enumerate(as_list(selector.get("matchExpressions"))):
        if not isinstance(expr, dict):
            continue
        p = index("spec.scopeSelector.matchExpressions", i)
        scope, op, values = expr.get("scopeName"), expr.get("operator"), expr.get("values")
        if isinstance(scope, str) and scope not in QUOTA_SCOPES:
            causes.append(not_supported(join(p, "scopeName"), scope, QUOTA_SCOPES))
        if isinstance(op, str) and op not in SCOPE_OPERATORS:
            causes.append(not_supported(join(p, "operator"), op, SCOPE_OPERATORS))
        if op in ("In", "NotIn") and not as_list(values):
            causes.append(required(join(p, "values"),
                                   "must be at least one value when `operator` is 'In' or "
                                   "'NotIn'"))
        if op in ("Exists", "DoesNotExist") and as_list(values):
            causes.append(invalid(join(p, "values"), values,
                                  "must be no value when `operator` is 'Exists' or "
                                  "'DoesNotExist'"))
    status = as_dict(obj.get("status"))
    for section in ("hard", "used"):
        causes += _quantities(status.get(section), join("status", section))
    return causes


def _parsed(values: Any) -> dict[str, tuple[Any, Decimal]]:
    out = {}
    for name, raw in as_dict(values).items():
        q = parse_qty(raw)
        if q is not None:
            out[str(name)] = (raw, q)
    return out


# (smaller field, larger field, message): a LimitRange item's bounds must nest.
_ORDER = (("min", "max", "min value {a} is greater than max value {b}"),
          ("min", "defaultRequest", "min value {a} is greater than default request value {b}"),
          ("min", "default", "min value {a} is greater than default value {b}"),
          ("defaultRequest", "max", "default request value {a} is greater than max value {b}"),
          ("defaultRequest", "default",
           "default request value {a} is greater than default limit value {b}"),
          ("default", "max", "default value {a} is greater than max value {b}"))


def _limit_item(item: dict, path: str) -> list[Cause]:
    causes: list[Cause] = []
    ltype = item.get("type")
    if ltype in (None, ""):
        causes.append(required(join(path, "type")))
    elif isinstance(ltype, str) and ltype not in LIMIT_TYPES:
        causes.append(not_supported(join(path, "type"), ltype, LIMIT_TYPES))
    for field in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
        causes += _quantities(item.get(field), join(path, field))
    if ltype == "Pod":
        for field in ("default", "defaultRequest"):
            if as_dict(item.get(field)):
                causes.append(invalid(join(path, field), item[field],
                                      "may not be specified when `type` is 'Pod'"))
    parsed = {f: _parsed(item.get(f)) for f in ("max", "min", "default", "defaultRequest",
                                                  "maxLimitRequestRatio")}
    for small, large, message in _ORDER:
        for name, (raw_a, a) in parsed[small].items():
            if name in parsed[large] and a > parsed[large][name][1]:
                causes.append(invalid(key(join(path, large), name), parsed[large][name][0],
                                      message.format(a=raw_a, b=parsed[large][name][0])))
    for name, (raw, ratio) in parsed["maxLimitRequestRatio"].items():
        if ratio < 1:
            causes.append(invalid(key(join(path, "maxLimitRequestRatio"), name), raw,
                                  f"ratio {raw} is less than 1"))
    return causes


def validate_limit_range(obj: dict) -> list[Cause]:
    causes: list[Cause] = []
    for i, item in enumerate(as_list(as_dict(obj.get("spec")).get("limits"))):
        if isinstance(item, dict):
            causes += _limit_item(item, index("spec.limits", i))
    return causes


def default_limit_range(obj: dict) -> None:
    """A Container item's implied defaults, in place: an unset default limit is the max,
    an unset default request is the default limit, else the min. Never raises."""
    limits = as_dict(obj.get("spec")).get("limits")
    for item in limits if isinstance(limits, list) else []:
        if not isinstance(item, dict) or item.get("type") != "Container":
            continue
        default, request = item.get("default") or {}, item.get("defaultRequest") or {}
        if not isinstance(default, dict) or not isinstance(request, dict):
            continue  # wrong types are validation's to report
        for name, value in as_dict(item.get("max")).items():
            default.setdefault(name, value)
        for name, value in default.items():
            request.setdefault(name, value)
        for name, value in as_dict(item.get("min")).items():
            request.setdefault(name, value)
        if default:
            item["default"] = default
        if request:
            item["defaultRequest"] = request
