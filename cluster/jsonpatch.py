"""JSON patch (RFC 6902) as kube-apiserver applies it, with errors meant for the client."""

from __future__ import annotations

import copy
import json
import re
from typing import Any


class PatchError(ValueError):
    """A patch body that cannot be applied; str(error) is meant for the client."""


_JSON_TYPES = (
    (bool, "boolean"), ((int, float), "number"), (str, "string"), (list, "list"), (dict, "map"),
)


def json_type(value: Any) -> str:
    """Name a value's JSON type, so messages speak the client's language rather than Python's."""
    if value is None:
        return "null"
    return next((name for types, name in _JSON_TYPES if isinstance(value, types)), "value")


def require(value: Any, expected: type, what: str) -> None:
    if not isinstance(value, expected):
        raise PatchError(f"{what} must be a {json_type(expected())}, got {json_type(value)}")




# --- JSON patch (RFC 6902) ---

_JSON_PATCH_OPS = ("add", "remove", "replace", "move", "copy", "test")
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_BAD_ESCAPE = re.compile(r"~(?![01])")


def apply_json_patch(target: dict, ops: Any) -> dict:
    """Apply an RFC 6902 JSON patch (a list of operations), all or nothing."""
    require(target, dict, "object to patch")
    require(ops, list, "JSON patch body")
    doc: Any = copy.deepcopy(target)
    for index, op in enumerate(ops):
        doc = _apply_op(doc, op, index)
    if not isinstance(doc, dict):
        raise PatchError(f"JSON patch must leave an object, but the result is a {json_type(doc)}")
    return doc


def _apply_op(doc: Any, op: Any, index: int) -> Any:
    where = f"JSON patch operation {index}"
    if not isinstance(op, dict):
        raise PatchError(f"{where}: expected a map, got {json_type(op)}")
    name = op.get("op")
    if name not in _JSON_PATCH_OPS:
        raise PatchError(
            f"{where}: unknown op {json.dumps(name)}; expected one of {', '.join(_JSON_PATCH_OPS)}"
        )
    where = f'{where} ("{name}")'
    path = _pointer(op, "path", where)
    if name == "add":
        return _put(doc, path, copy.deepcopy(_member(op, "value", where)), where, add=True)
    if name == "remove":
        _remove(doc, path, where)
        return doc
    if name == "replace":
        return _put(doc, path, copy.deepcopy(_member(op, "value", where)), where, add=False)
    if name == "test":
        expected = _member(op, "value", where)
        actual = _get(doc, path, where)
        if not _json_equal(actual, expected):
            raise PatchError(
                f'{where}: test failed: value at "{path[0]}" is {json.dumps(actual)}, '
                f"expected {json.dumps(expected)}"
            )
        return doc
    source = _pointer(op, "from", where)
    if name == "copy":
        return _put(doc, path, copy.deepcopy(_get(doc, source, where)), where, add=True)
    # move: a location cannot be moved into one of its own children.
    if path[1][: len(source[1])] == source[1] and len(path[1]) > len(source[1]):
        raise PatchError(f'{where}: cannot move "{source[0]}" into its own child "{path[0]}"')
    value = _get(doc, source, where)  # also checks that "from" exists, even for a no-op move
    if path[1] == source[1]:
        return doc
    _remove(doc, source, where)
    return _put(doc, path, value, where, add=True)


def _member(op: dict, name: str, where: str) -> Any:
    if name not in op:
        raise PatchError(f'{where}: missing "{name}"')
    return op[name]


def _pointer(op: dict, name: str, where: str) -> tuple[str, list[str]]:
    """Parse a JSON pointer member into (raw text for messages, unescaped reference tokens)."""
    raw = _member(op, name, where)
    if not isinstance(raw, str):
        raise PatchError(f'{where}: "{name}" must be a string, got {json_type(raw)}')
    if raw == "":
        return raw, []
    if not raw.startswith("/"):
        raise PatchError(f'{where}: invalid JSON pointer "{raw}": must start with "/"')
    tokens = []
    for part in raw[1:].split("/"):
        if _BAD_ESCAPE.search(part):
            raise PatchError(f'{where}: invalid JSON pointer "{raw}": "~" must be followed by 0/1')
        # RFC 6901 order matters: "~01" must decode to "~1", not "/".
        tokens.append(part.replace("~1", "/").replace("~0", "~"))
    return raw, tokens


def _index(token: str, length: int, raw: str, where: str, *, for_insert: bool) -> int:
    if token == "-" and for_insert:
        return length
    if token == "-":
        raise PatchError(f'{where}: path "{raw}": "-" is only valid when adding to a list')
    if not _ARRAY_INDEX.fullmatch(token):
        raise PatchError(f'{where}: path "{raw}": invalid list index "{token}"')
    position = int(token)
    if position > length or (position == length and not for_insert):
        raise PatchError(
            f'{where}: path "{raw}": index {position} is out of range (list length {length})'
        )
    return position


def _child(node: Any, token: str, raw: str, where: str) -> Any:
    if isinstance(node, dict):
        if token not in node:
            raise PatchError(f'{where}: path "{raw}" does not exist')
        return node[token]
    if isinstance(node, list):
        return node[_index(token, len(node), raw, where, for_insert=False)]
    raise PatchError(f'{where}: path "{raw}" does not exist (found a {json_type(node)})')


def _parent(doc: Any, path: tuple[str, list[str]], where: str) -> Any:
    raw, tokens = path
    node = doc
    for token in tokens[:-1]:
        node = _child(node, token, raw, where)
    if not isinstance(node, (dict, list)):
        raise PatchError(f'{where}: path "{raw}" does not exist (found a {json_type(node)})')
    return node


def _get(doc: Any, path: tuple[str, list[str]], where: str) -> Any:
    if not path[1]:
        return doc
    return _child(_parent(doc, path, where), path[1][-1], path[0], where)


def _put(doc: Any, path: tuple[str, list[str]], value: Any, where: str, *, add: bool) -> Any:
    """Store `value` at `path`: "add" creates or inserts, "replace" requires the target to exist."""
    raw, tokens = path
    if not tokens:
        return value
    parent = _parent(doc, path, where)
    if isinstance(parent, dict):
        if not add and tokens[-1] not in parent:
            raise PatchError(f'{where}: path "{raw}" does not exist')
        parent[tokens[-1]] = value
    elif add:
        parent.insert(_index(tokens[-1], len(parent), raw, where, for_insert=True), value)
    else:
        parent[_index(tokens[-1], len(parent), raw, where, for_insert=False)] = value
    return doc


def _remove(doc: Any, path: tuple[str, list[str]], where: str) -> None:
    raw, tokens = path
    if not tokens:
        raise PatchError(f"{where}: cannot remove the whole object")
    parent = _parent(doc, path, where)
    if isinstance(parent, dict):
        if tokens[-1] not in parent:
            raise PatchError(f'{where}: path "{raw}" does not exist')
        del parent[tokens[-1]]
    else:
        del parent[_index(tokens[-1], len(parent), raw, where, for_insert=False)]


def _json_equal(left: Any, right: Any) -> bool:
    """JSON equality: 1 == 1.0, but unlike Python, true is not 1."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_json_equal, left, right))
    return type(left) is type(right) and left == right


