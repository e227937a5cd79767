"""StatusCause construction, phrased the way kube-apiserver phrases field errors.

kubectl prints `The Pod "x" is invalid: <field>: <message>` straight from these causes, so the
wording and value formatting follow the real server closely enough to look familiar.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict


class Cause(TypedDict):
    """metav1.StatusCause."""

    reason: str
    message: str
    field: str

# Values are echoed back in messages; cap them so a 10 MB string can't bloat the response.
_MAX_SHOWN = 256


def go_quote(text: str) -> str:
    """Quote a string roughly like Go's %q (printable unicode kept, controls escaped)."""
    quoted = json.dumps(text, ensure_ascii=False)
    if len(quoted) > _MAX_SHOWN:
        quoted = quoted[: _MAX_SHOWN - 4] + '..."'
    return quoted


def _go_map(value: dict) -> str:
    parts = [f"{go_quote(str(k))}:{go_quote(v)}" for k, v in sorted(value.items())]
    return "map[string]string{" + ", ".join(parts) + "}"


class Raw(str):
    """A value already rendered Go-style (e.g. a LabelSelector struct): printed verbatim."""


def format_value(value: Any) -> str:
    """Render a value the way apimachinery's field errors do (strings quoted, maps Go-style)."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, (int, float)):
        try:
            text = repr(value)
        except ValueError:  # ints beyond Python's str-conversion digit limit
            return "<huge number>"
        return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "..."
    if value is None:
        return "null"
    if isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        text = _go_map(value)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = "[]string{" + ", ".join(go_quote(v) for v in value) + "}"
    else:
        try:
            text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = "<value>"
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "..."


def _cause(reason: str, message: str, field: str) -> Cause:
    return {"reason": reason, "message": message, "field": field}


def _with_detail(head: str, detail: str) -> str:
    return f"{head}: {detail}" if detail else head


def required(field: str, detail: str = "") -> Cause:
    return _cause("FieldValueRequired", _with_detail("Required value", detail), field)


def invalid(field: str, value: Any, detail: str) -> Cause:
    return _cause(
        "FieldValueInvalid", _with_detail(f"Invalid value: {format_value(value)}", detail), field
    )


def not_supported(field: str, value: Any, supported: list[str] | tuple[str, ...]) -> Cause:
    choices = ", ".join(go_quote(s) for s in supported)
    message = f"Unsupported value: {format_value(value)}: supported values: {choices}"
    return _cause("FieldValueNotSupported", message, field)


def duplicate(field: str, value: Any) -> Cause:
    return _cause("FieldValueDuplicate", f"Duplicate value: {format_value(value)}", field)


def not_found(field: str, value: Any) -> Cause:
    return _cause("FieldValueNotFound", f"Not found: {format_value(value)}", field)


def too_long(field: str, limit: int) -> Cause:
    return _cause("FieldValueTooLong", f"Too long: may not be more than {limit} bytes", field)


def forbidden(field: str, detail: str) -> Cause:
    return _cause("FieldValueForbidden", _with_detail("Forbidden", detail), field)


def type_invalid(field: str, value: Any, expected: str) -> Cause:
    detail = f"must be of type {expected}"
    return _cause(
        "FieldValueTypeInvalid", f"Invalid value: {format_value(value)}: {detail}", field
    )


def immutable(field: str, value: Any) -> Cause:
    return invalid(field, value, "field is immutable")


def join(path: str, key: str) -> str:
    """Append a child field name to a dotted path (the root path is the empty string)."""
    return f"{path}.{key}" if path else key


def index(path: str, i: int) -> str:
    return f"{path}[{i}]"


def key(path: str, k: str) -> str:
    """Map-entry path, e.g. `resources.limits[cpu]`."""
    return f"{path}[{k}]"
