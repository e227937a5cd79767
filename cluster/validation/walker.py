"""Walk an object against `schema.KINDS`: JSON type checks and unknown-field detection.

Recursion only follows the schema (a few levels deep), never the input, so arbitrarily deep
garbage can't blow the stack: free-form subtrees are accepted without being descended into.
"""

from __future__ import annotations

from typing import Any

from . import schema as sc
from .causes import Cause, index, join, key, required, type_invalid

_Q_HINT = "string (quantity)"


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _leaf_ok(code: str, v: Any) -> bool:
    if code == sc.S:
        return isinstance(v, str)
    if code == sc.I:
        return _is_int(v)
    if code == sc.B:
        return isinstance(v, bool)
    if code == sc.N:
        return _is_num(v)
    if code == sc.Q:
        return isinstance(v, str) or _is_num(v)
    if code == sc.IS:
        return isinstance(v, str) or _is_int(v)
    if code in (sc.OBJ, sc.MAP_S, sc.MAP_Q):
        return isinstance(v, dict)
    return True  # ANY


class _Walk:
    def __init__(self, types: bool, unknown: bool, zero_nulls: bool = False) -> None:
        self.types = types
        self.unknown = unknown
        self.zero_nulls = zero_nulls
        self.causes: list[Cause] = []

    def node(self, value: Any, node: sc.Schema, path: str) -> None:
        if value is None:
            return  # JSON null decodes to the zero value in Kubernetes: always acceptable
        if isinstance(node, dict):
            self._object(value, node, path)
        elif isinstance(node, list):
            self._array(value, node[0], path)
        else:
            self._leaf(value, node, path)

    def _object(self, value: Any, node: dict, path: str) -> None:
        if not isinstance(value, dict):
            if self.types:
                self.causes.append(type_invalid(path, value, "object"))
            return
        for k, v in value.items():
            child = join(path, str(k))
            if k in node:
                self.node(v, node[k], child)
            elif self.unknown:
                self.causes.append({"reason": "FieldValueInvalid",
                                    "message": f'unknown field "{child}"', "field": child})

    def _array(self, value: Any, item: sc.Schema, path: str) -> None:
        if not isinstance(value, list):
            if self.types:
                self.causes.append(type_invalid(path, value, "array"))
            return
        for i, v in enumerate(value):
            if v is None and self.zero_nulls and item == sc.S:
                value[i] = ""
                continue
            if v is None and isinstance(item, dict) and self.types:
                # A null item would be a zero-value object in Kubernetes, whose required
                # fields then fail; here later checks skip non-objects, and a stored
                # `containers: [null]` would reach the scheduler and kubelets. Say so here.
                self.causes.append(required(index(path, i)))
                continue
            self.node(v, item, index(path, i))

    def _leaf(self, value: Any, code: str, path: str) -> None:
        if self.zero_nulls and code in (sc.MAP_S, sc.MAP_Q) and isinstance(value, dict):
            for k, v in value.items():
                if v is None:
                    value[k] = "" if code == sc.MAP_S else "0"
        if not self.types:
            return
        if not _leaf_ok(code, value):
            expected = "object" if code in (sc.MAP_S, sc.MAP_Q) else code
            self.causes.append(type_invalid(path, value, expected))
            return
        if code in (sc.MAP_S, sc.MAP_Q):
            want = sc.S if code == sc.MAP_S else sc.Q
            for k, v in value.items():
                if v is not None and not _leaf_ok(want, v):
                    shown = "string" if want == sc.S else _Q_HINT
                    self.causes.append(type_invalid(key(path, str(k)), v, shown))


def type_errors(kind: str, obj: Any) -> list[Cause]:
    """FieldValueTypeInvalid causes for every value whose JSON type is wrong."""
    node = sc.KINDS.get(kind)
    if node is None:
        return [] if isinstance(obj, dict) else [type_invalid("", obj, "object")]
    walk = _Walk(types=True, unknown=False)
    walk.node(obj, node, "")
    if obj is None:
        walk.causes.append(type_invalid("", obj, "object"))
    return walk.causes


def zero_null_values(kind: str, obj: Any) -> None:
    """In place: a null value in a map of strings (labels, selectors, nodeSelector) or of
    quantities, or a null item in a list of strings, becomes its zero value ("" or "0"),
    as Kubernetes' JSON decoding makes it. Left as null, it would pass the type checks
    and then fail every reader of the stored object (a Service selector `{a: null}`
    failed the endpoints controller on each reconcile)."""
    node = sc.KINDS.get(kind)
    if node is None or not isinstance(obj, dict):
        return
    _Walk(types=False, unknown=False, zero_nulls=True).node(obj, node, "")


def unknown_fields(kind: str, obj: dict) -> list[Cause]:
    """Causes for fields the kind doesn't declare (for `fieldValidation=Strict`)."""
    node = sc.KINDS.get(kind)
    if node is None or not isinstance(obj, dict):
        return []
    walk = _Walk(types=False, unknown=True)
    walk.node(obj, node, "")
    return walk.causes
