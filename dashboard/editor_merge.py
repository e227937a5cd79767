"""`kubectl apply`'s bookkeeping, as pure functions: last-applied annotation, 3-way merge,
and whether an apply changed anything.

Like kubectl's client-side apply, the manifest last applied is kept in an annotation on
the object. The next apply merges three things: what was applied before (to know which
fields the user has since removed), what is applied now, and the live object (whose
fields set by the server or by controllers — defaults, a nodeName, an annotation the
Deployment controller adds — are kept). Lists of named things (containers, volumes, env,
ports) merge item by item on their merge key, the rest are replaced.
"""
from __future__ import annotations

import copy
import json
from typing import Any

from cluster.patch import merge_key

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

# Metadata the server writes and the user never does: ignored when deciding "unchanged"
# and left out when an object is opened in the editor.
SERVER_METADATA = ("uid", "resourceVersion", "generation", "creationTimestamp", "selfLink",
                   "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds")

Path = tuple[str, ...]


def last_applied_text(manifest: dict) -> str:
    """The annotation's value: the manifest without the annotation, in a stable form."""
    clean = copy.deepcopy(manifest)
    annotations = (clean.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict):
        annotations.pop(LAST_APPLIED, None)
        if not annotations:
            clean["metadata"].pop("annotations")
    return json.dumps(clean, sort_keys=True, separators=(",", ":"))


def last_applied_of(live: dict) -> dict:
    """The manifest recorded on the live object ({} when it was never applied)."""
    text = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def with_last_applied(manifest: dict) -> dict:
    """The manifest as it is sent: carrying its own last-applied annotation."""
    out = copy.deepcopy(manifest)
    meta = out.setdefault("metadata", {})
    annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    meta["annotations"] = {**annotations, LAST_APPLIED: last_applied_text(manifest)}
    return out


def three_way(kind: str, original: dict, modified: dict, live: dict) -> dict:
    """The object after applying `modified` to `live`, given `original` was applied before."""
    return _merge(kind, (), original, modified, live)


def _merge(kind: str, path: Path, original: Any, modified: Any, live: Any) -> Any:
    if isinstance(modified, dict):
        if not isinstance(live, dict):
            return copy.deepcopy(modified)
        before = original if isinstance(original, dict) else {}
        result = copy.deepcopy(live)
        for key in before:
            if key not in modified:
                result.pop(key, None)  # the user removed it from the manifest since
        for key, value in modified.items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = _merge(kind, (*path, key), before.get(key), value,
                                     live.get(key))
        return result
    if isinstance(modified, list) and isinstance(live, list):
        key = merge_key(kind, path)
        if key and all(isinstance(i, dict) and key in i for i in modified):
            return _merge_keyed(kind, path, key, original, modified, live)
    return copy.deepcopy(modified)


def _merge_keyed(kind: str, path: Path, key: str, original: Any, modified: list,
                 live: list) -> list:
    def by_key(items: Any) -> dict:
        return {i[key]: i for i in items or [] if isinstance(i, dict) and key in i}
    before, now = by_key(original if isinstance(original, list) else []), by_key(modified)
    current = by_key(live)
    # The manifest's order wins; items only the server added (not in an earlier manifest)
    # are kept after them, as kubectl keeps them.
    merged = [_merge(kind, path, before.get(item[key]), item, current.get(item[key]))
              for item in modified]
    merged += [copy.deepcopy(item) for k, item in current.items()
               if k not in now and k not in before]
    return merged


def comparable(obj: dict) -> dict:
    """The object without what only the server writes: status and server metadata."""
    out = copy.deepcopy(obj)
    out.pop("status", None)
    meta = out.get("metadata")
    if isinstance(meta, dict):
        for key in SERVER_METADATA:
            meta.pop(key, None)
    return out


def outcome(live: dict | None, result: dict) -> str:
    """kubectl's word for one object: created, configured or unchanged."""
    if live is None:
        return "created"
    return "unchanged" if comparable(live) == comparable(result) else "configured"


def for_editing(obj: dict) -> dict:
    """A live object as a manifest to edit: no status, server metadata or apply record."""
    out = comparable(obj)
    annotations = (out.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict):
        annotations.pop(LAST_APPLIED, None)
        if not annotations:
            out["metadata"].pop("annotations")
    return out
