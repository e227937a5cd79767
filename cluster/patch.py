"""Apply PATCH request bodies to stored objects, the way kube-apiserver does.

The API server accepts three patch content types: JSON merge patch (RFC 7386), JSON patch
(RFC 6902) and Kubernetes strategic merge patch. Each function here takes the stored object as a
plain dict and returns a new dict. Inputs are never mutated, because callers hand us the object
they loaded and may still need it (e.g. to compare old and new for watch events). Anything that
cannot be applied raises PatchError whose message is shown to the client in a Status.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from cluster.jsonpatch import PatchError, apply_json_patch, json_type, require

__all__ = ["PatchError", "apply_json_patch", "apply_merge_patch", "apply_strategic_merge_patch",
           "merge_key", "merges_as_set"]

Path = tuple[str, ...]


def _where(path: Path) -> str:
    return ".".join(path) if path else "the top level"


# --- JSON merge patch (RFC 7386) ---


def apply_merge_patch(target: dict, patch: Any) -> dict:
    """Apply an RFC 7386 merge patch: maps merge recursively, null deletes, anything else replaces.

    A non-map patch would replace the whole object with a non-object, which no resource can be,
    so it is rejected instead.
    """
    require(target, dict, "object to patch")
    require(patch, dict, "merge patch body")
    return _merge_value(copy.deepcopy(target), patch)


def _merge_value(current: Any, patch: Any) -> Any:
    # `current` is already our private copy, so it may be updated in place.
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = current if isinstance(current, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_value(result.get(key), value)
    return result


# --- Strategic merge patch: which lists merge, and by what key ---

# Paths are written dotted here for readability and split into tuples when the tables are built.
# Keyed lists inside a pod spec, relative to the pod spec; the pod spec sits at a different place
# per kind (_POD_SPEC_AT), so the per-kind tables are assembled from these pieces.
_POD_SPEC_LISTS = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name",
    "volumes": "name", "imagePullSecrets": "name", "schedulingGates": "name",
    "hostAliases": "ip", "topologySpreadConstraints": "topologyKey",
}
_CONTAINER_FIELDS = ("containers", "initContainers", "ephemeralContainers")
_CONTAINER_LISTS = {
    "env": "name", "ports": "containerPort", "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
}
_METADATA_LISTS = {"ownerReferences": "uid"}
_METADATA_SETS = ("finalizers",)
_POD_SPEC_AT = {
    "Pod": "spec", "Deployment": "spec.template.spec", "ReplicaSet": "spec.template.spec",
}
_KIND_LISTS = {
    "Pod": {"status.conditions": "type", "status.podIPs": "ip", "status.hostIPs": "ip"},
    "Node": {"status.conditions": "type", "status.addresses": "type"},
    "Deployment": {"status.conditions": "type"},
    "ReplicaSet": {"status.conditions": "type"},
    "Namespace": {"status.conditions": "type"},
    "Service": {"spec.ports": "port"},
}
_KIND_SETS = {"Node": ("spec.podCIDRs",)}
_ANY_KIND = "*"


def _build_tables() -> tuple[dict[str, dict[Path, str]], dict[str, frozenset[Path]]]:
    keys: dict[str, dict[Path, str]] = {}
    sets: dict[str, frozenset[Path]] = {}
    for kind in {_ANY_KIND, *_POD_SPEC_AT, *_KIND_LISTS, *_KIND_SETS}:
        spec_at = _POD_SPEC_AT.get(kind)
        # A pod template carries its own metadata next to its spec; for a Pod that is the
        # object's metadata itself.
        template = spec_at.rpartition(".")[0] if spec_at else ""
        meta_at = {"metadata", f"{template}.metadata" if template else "metadata"}
        table = {f"{at}.{rel}": key for at in meta_at for rel, key in _METADATA_LISTS.items()}
        set_paths = [f"{at}.{rel}" for at in meta_at for rel in _METADATA_SETS]
        if spec_at:
            table.update({f"{spec_at}.{rel}": key for rel, key in _POD_SPEC_LISTS.items()})
            for field in _CONTAINER_FIELDS:
                table.update({f"{spec_at}.{field}.{rel}": k for rel, k in _CONTAINER_LISTS.items()})
        table.update(_KIND_LISTS.get(kind, {}))
        set_paths.extend(_KIND_SETS.get(kind, ()))
        keys[kind] = {tuple(path.split(".")): key for path, key in table.items()}
        sets[kind] = frozenset(tuple(path.split(".")) for path in set_paths)
    return keys, sets


_MERGE_KEYS, _SET_LISTS = _build_tables()


def merge_key(kind: str, path: Path) -> str | None:
    """The merge key of the list of maps at `path` (field names, list positions left out).

    None means the list is not merged item by item (it is replaced, or merged as a set).
    Unknown kinds still get the metadata lists every object has.
    """
    return _MERGE_KEYS.get(kind, _MERGE_KEYS[_ANY_KIND]).get(tuple(path))


def merges_as_set(kind: str, path: Path) -> bool:
    """Whether the list of primitives at `path` merges as a set (e.g. metadata.finalizers)."""
    return tuple(path) in _SET_LISTS.get(kind, _SET_LISTS[_ANY_KIND])


# --- Strategic merge patch: applying it ---

_PATCH = "$patch"
_RETAIN_KEYS = "$retainKeys"
_SET_ORDER = "$setElementOrder/"
_DELETE_PRIMITIVES = "$deleteFromPrimitiveList/"
_DELETED = object()  # returned by _smp_map when the map asked to be deleted


def apply_strategic_merge_patch(target: dict, patch: Any, kind: str) -> dict:
    """Apply a Kubernetes strategic merge patch to an object of the given kind.

    Maps merge recursively and null deletes a key. Lists of maps that have a merge key merge item
    by item; lists like metadata.finalizers merge as sets; every other list is replaced. The
    directives $patch, $retainKeys, $setElementOrder/ and $deleteFromPrimitiveList/ are honoured
    and never appear in the result.
    """
    require(target, dict, "object to patch")
    require(patch, dict, "strategic merge patch body")
    result = _smp_map(copy.deepcopy(target), patch, kind, ())
    if result is _DELETED:
        raise PatchError('"$patch": "delete" cannot delete the whole object')
    return result


def _smp_map(original: dict, patch: dict, kind: str, path: Path) -> Any:
    """Merge `patch` into `original` (our private copy, updated in place) and return it."""
    mode = patch.get(_PATCH, "merge")
    if mode == "delete":
        return _DELETED
    if mode == "replace":
        # Build from scratch so nulls and nested directives in the patch are still resolved.
        return _smp_map({}, {k: v for k, v in patch.items() if k != _PATCH}, kind, path)
    if mode != "merge":
        raise PatchError(
            f"unknown $patch value {json.dumps(mode)} at {_where(path)}; "
            'expected "merge", "replace" or "delete"'
        )

    orders: dict[str, list] = {}
    for key, value in patch.items():
        if not key.startswith("$") or key == _PATCH:
            continue
        if key == _RETAIN_KEYS:
            _retain_keys(original, value, path)
        elif key.startswith(_SET_ORDER):
            orders[key[len(_SET_ORDER) :]] = _directive_list(key, value, path)
        elif key.startswith(_DELETE_PRIMITIVES):
            field = key[len(_DELETE_PRIMITIVES) :]
            doomed = _directive_list(key, value, path)
            if isinstance(original.get(field), list):
                original[field] = [item for item in original[field] if item not in doomed]
        else:
            raise PatchError(f"unknown directive {json.dumps(key)} at {_where(path)}")

    for key, value in patch.items():
        if key.startswith("$"):
            continue
        _smp_field(original, key, value, kind, path + (key,))

    for field, order in orders.items():
        if isinstance(original.get(field), list):
            original[field] = _reorder(original[field], order, kind, path + (field,))
    return original


def _directive_list(key: str, value: Any, path: Path) -> list:
    if not isinstance(value, list):
        raise PatchError(f"{key} at {_where(path)} must be a list, got {json_type(value)}")
    return value


def _retain_keys(original: dict, value: Any, path: Path) -> None:
    """$retainKeys: fields of the original that are not listed are cleared before merging."""
    keep = _directive_list(_RETAIN_KEYS, value, path)
    if not all(isinstance(item, str) for item in keep):
        raise PatchError(f"{_RETAIN_KEYS} at {_where(path)} must be a list of strings")
    for key in [k for k in original if k not in keep]:
        del original[key]


def _expects_list(kind: str, path: Path) -> bool:
    return merge_key(kind, path) is not None or merges_as_set(kind, path)


def _smp_field(original: dict, key: str, value: Any, kind: str, path: Path) -> None:
    current = original.get(key)
    if value is None:
        original.pop(key, None)
    elif isinstance(value, dict):
        if value.get(_PATCH) == "delete":  # checked first: deleting needs no type agreement
            original.pop(key, None)
            return
        if isinstance(current, list) or _expects_list(kind, path):
            raise PatchError(f"expected a list at {_where(path)}, but the patch has a map")
        original[key] = _smp_map(current if isinstance(current, dict) else {}, value, kind, path)
    elif isinstance(value, list):
        if isinstance(current, dict):
            raise PatchError(f"expected a map at {_where(path)}, but the patch has a list")
        original[key] = _smp_list(current if isinstance(current, list) else [], value, kind, path)
    else:
        original[key] = value


def _is_replace_marker(item: Any) -> bool:
    return isinstance(item, dict) and item.get(_PATCH) == "replace"


def _smp_list(current: list, patch: list, kind: str, path: Path) -> list:
    key = merge_key(kind, path)
    if key is not None:
        return _merge_keyed_list(current, patch, key, kind, path)
    # {"$patch": "replace"} as an item means "replace the list"; for sets and plain lists the
    # result is then simply the other items.
    wholesale = any(_is_replace_marker(item) for item in patch)
    items = [copy.deepcopy(item) for item in patch if not _is_replace_marker(item)]
    for item in items:
        if isinstance(item, dict) and _PATCH in item:
            raise PatchError(
                f"{_PATCH} inside a list item is only allowed in lists that merge by key; "
                f"{_where(path)} does not"
            )
    if not merges_as_set(kind, path) or wholesale:
        return items
    for item in items:
        if isinstance(item, (dict, list)):
            raise PatchError(f"{_where(path)} is a list of values, but the patch has a map or list")
    merged = list(current)
    for item in items:
        if item not in merged:
            merged.append(item)
    return merged


def _merge_keyed_list(current: list, patch: list, key: str, kind: str, path: Path) -> list:
    result = [] if any(_is_replace_marker(item) for item in patch) else current
    for item in patch:
        if not isinstance(item, dict):
            raise PatchError(
                f"{_where(path)} is a list of maps merged by {json.dumps(key)}, "
                f"but the patch has a {json_type(item)} item"
            )
        mode = item.get(_PATCH, "merge")
        if mode == "replace":
            continue
        if mode not in ("merge", "delete"):
            raise PatchError(
                f"unknown $patch value {json.dumps(mode)} in a list item at {_where(path)}; "
                'expected "merge", "replace" or "delete"'
            )
        if key not in item:
            raise PatchError(
                f"list item at {_where(path)} has no merge key {json.dumps(key)}: "
                f"{json.dumps(item, sort_keys=True)}"
            )
        wanted = item[key]
        if mode == "delete":
            result = [x for x in result if not (isinstance(x, dict) and x.get(key) == wanted)]
            continue
        body = {k: v for k, v in item.items() if k != _PATCH}
        position = next(
            (i for i, x in enumerate(result) if isinstance(x, dict) and x.get(key) == wanted),
            None,
        )
        if position is None:
            result.append(_smp_map({}, body, kind, path))
        else:
            result[position] = _smp_map(result[position], body, kind, path)
    return result


def _reorder(items: list, order: list, kind: str, path: Path) -> list:
    """Apply $setElementOrder: listed items take the given order, unlisted ones go last.

    Items the patch does not mention (e.g. added by a controller) keep their relative order. For
    a list that is replaced wholesale the patch already fixed the order, so the directive is moot.
    """
    key = merge_key(kind, path)
    if key is not None:
        for entry in order:
            if not isinstance(entry, dict) or key not in entry:
                raise PatchError(
                    f"{_SET_ORDER}{path[-1]} at {_where(path[:-1])} must list maps "
                    f"with the merge key {json.dumps(key)}"
                )
        wanted = [entry[key] for entry in order]
        ident = [x.get(key) if isinstance(x, dict) else None for x in items]
    elif merges_as_set(kind, path):
        wanted = list(order)
        ident = list(items)
    else:
        return items
    rank = {}
    for position, value in enumerate(wanted):
        if _hashable(value):
            rank.setdefault(value, position)
    listed = sorted(
        (i for i, value in enumerate(ident) if _hashable(value) and value in rank),
        key=lambda i: rank[ident[i]],
    )
    chosen = set(listed)
    return [items[i] for i in listed] + [x for i, x in enumerate(items) if i not in chosen]


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))
