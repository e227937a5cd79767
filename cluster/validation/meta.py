"""ObjectMeta, labels, annotations and label-selector validation.

The type walker (see `types.py`) already reports fields of the wrong JSON type; these checks
simply skip values that aren't the expected type so the two never double-report or crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import names
from .causes import (
    Cause,
    duplicate,
    forbidden,
    immutable,
    index,
    invalid,
    join,
    not_supported,
    required,
    too_long,
)

ANNOTATIONS_MAX_BYTES = 256 * 1024

NameCheck = Callable[[str], list[str]]


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_name(path: str, value: str, check: NameCheck) -> list[Cause]:
    return [invalid(path, value, msg) for msg in check(value)]


def validate_labels(labels: Any, path: str) -> list[Cause]:
    causes: list[Cause] = []
    for k, v in as_dict(labels).items():
        if not isinstance(k, str):
            continue
        causes += check_name(path, k, names.qualified_name)
        if isinstance(v, str):
            causes += check_name(path, v, names.label_value)
    return causes


def validate_annotations(annotations: Any, path: str) -> list[Cause]:
    causes: list[Cause] = []
    total = 0
    for k, v in as_dict(annotations).items():
        if not isinstance(k, str):
            continue
        # Annotation keys are case-insensitive in Kubernetes; validate the lowered form.
        causes += check_name(path, k.lower(), names.qualified_name)
        total += len(k.encode("utf-8", "replace"))
        if isinstance(v, str):
            total += len(v.encode("utf-8", "replace"))
    if total > ANNOTATIONS_MAX_BYTES:
        causes.append(too_long(path, ANNOTATIONS_MAX_BYTES))
    return causes


def _validate_owner_refs(refs: Any, path: str) -> list[Cause]:
    causes: list[Cause] = []
    controllers = 0
    for i, ref in enumerate(as_list(refs)):
        if not isinstance(ref, dict):
            continue
        p = index(path, i)
        for field in ("apiVersion", "kind", "name", "uid"):
            if not ref.get(field):
                causes.append(required(join(p, field)))
        if ref.get("controller") is True:
            controllers += 1
    if controllers > 1:
        causes.append(invalid(path, "", "Only one reference can have Controller set to true"))
    return causes


def validate_object_meta(
    meta: Any, *, namespaced: bool, name_check: NameCheck, path: str = "metadata"
) -> list[Cause]:
    """Checks shared by every kind: name/generateName, namespace, labels, annotations..."""
    if not isinstance(meta, dict):
        return [required(path)] if meta is None else []
    causes: list[Cause] = []
    name = meta.get("name")
    generate = meta.get("generateName")
    if isinstance(name, str) and name:
        causes += check_name(join(path, "name"), name, name_check)
    elif name in (None, "") and isinstance(generate, str) and generate:
        # generateName is a prefix: a trailing '-' is fine because a suffix follows.
        trimmed = generate[:-1] if generate.endswith("-") else generate
        causes += check_name(join(path, "generateName"), trimmed, name_check)
    elif name in (None, ""):
        causes.append(required(join(path, "name"), "name or generateName is required"))
    namespace = meta.get("namespace")
    if isinstance(namespace, str) and namespace:
        if namespaced:
            causes += check_name(join(path, "namespace"), namespace, names.dns1123_label)
        else:
            causes.append(forbidden(join(path, "namespace"), "not allowed on this type"))
    causes += validate_labels(meta.get("labels"), join(path, "labels"))
    causes += validate_annotations(meta.get("annotations"), join(path, "annotations"))
    causes += _validate_owner_refs(meta.get("ownerReferences"), join(path, "ownerReferences"))
    for i, fin in enumerate(as_list(meta.get("finalizers"))):
        if isinstance(fin, str):
            causes += check_name(index(join(path, "finalizers"), i), fin, names.qualified_name)
    grace = meta.get("deletionGracePeriodSeconds")
    if is_int(grace) and grace < 0:
        causes.append(invalid(join(path, "deletionGracePeriodSeconds"), grace,
                              "must be greater than or equal to 0"))
    return causes


def validate_meta_update(new: Any, old: Any, path: str = "metadata") -> list[Cause]:
    """Identity fields can't change on update."""
    new_m, old_m = as_dict(new), as_dict(old)
    causes: list[Cause] = []
    for field in ("name", "namespace", "uid"):
        before, after = old_m.get(field), new_m.get(field)
        if before and after and before != after:
            causes.append(immutable(join(path, field), after))
    return causes


_SELECTOR_OPS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_selector(selector: Any, path: str) -> list[Cause]:
    sel = as_dict(selector)
    causes = validate_labels(sel.get("matchLabels"), join(path, "matchLabels"))
    exprs_path = join(path, "matchExpressions")
    for i, expr in enumerate(as_list(sel.get("matchExpressions"))):
        if not isinstance(expr, dict):
            continue
        p = index(exprs_path, i)
        key = expr.get("key")
        if isinstance(key, str):
            causes += check_name(join(p, "key"), key, names.qualified_name)
        elif key is None:
            causes.append(required(join(p, "key")))
        op = expr.get("operator")
        values = as_list(expr.get("values"))
        if op in ("In", "NotIn") and not values:
            causes.append(required(join(p, "values"),
                                   "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist") and values:
            causes.append(forbidden(
                join(p, "values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        elif isinstance(op, str) and op not in _SELECTOR_OPS:
            causes.append(not_supported(join(p, "operator"), op, _SELECTOR_OPS))
        elif op is None:
            causes.append(required(join(p, "operator")))
        for j, v in enumerate(values):
            if isinstance(v, str):
                causes += check_name(index(join(p, "values"), j), v, names.label_value)
    return causes


def selector_is_empty(selector: Any) -> bool:
    sel = as_dict(selector)
    return not as_dict(sel.get("matchLabels")) and not as_list(sel.get("matchExpressions"))


def selector_matches(selector: Any, labels: Any) -> bool:
    """Does a LabelSelector (matchLabels + matchExpressions) select this label set?"""
    sel, lab = as_dict(selector), as_dict(labels)
    for k, v in as_dict(sel.get("matchLabels")).items():
        if lab.get(k) != v:
            return False
    for expr in as_list(sel.get("matchExpressions")):
        if not isinstance(expr, dict):
            return False
        key, op = expr.get("key"), expr.get("operator")
        values = as_list(expr.get("values"))
        if not isinstance(key, str):
            return False
        present = key in lab
        if op == "In" and not (present and lab[key] in values):
            return False
        if op == "NotIn" and present and lab[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def check_unique(values: list[tuple[str, Any]]) -> list[Cause]:
    """Report a Duplicate for every (path, value) whose value was seen before."""
    seen: set = set()
    causes: list[Cause] = []
    for path, value in values:
        try:
            if value in seen:
                causes.append(duplicate(path, value))
            seen.add(value)
        except TypeError:  # unhashable garbage: the type walker already reported it
            continue
    return causes
