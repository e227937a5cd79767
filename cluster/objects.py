"""Small helpers for Kubernetes-shaped object dicts: times, keys, metadata access."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson


def format_time(dt: datetime, micro: bool = False) -> str:
    """RFC 3339 in UTC with a Z, as Kubernetes writes it (micro for MicroTime fields)."""
    dt = dt.astimezone(UTC)
    if micro:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    return _parse_time(text)


@lru_cache(maxsize=65536)
def _parse_time(text: str) -> datetime | None:
    # Cached: controllers read the same few thousand timestamps (pods' creation and
    # Ready transitions) on every reconcile. datetimes are immutable, so sharing is safe.
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def meta(obj: dict) -> dict:
    """obj['metadata'], created as a dict if it is missing."""
    m = obj.get("metadata")
    if not isinstance(m, dict):
        m = {}
        obj["metadata"] = m
    return m


def object_key(kind: str, namespace: str, name: str) -> str:
    """The work-queue key Kubernetes controllers use: kind/namespace/name."""
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}//{name}"


def dumps(obj: Any) -> str:
    """Compact JSON, as the store keeps bodies. orjson writes the same text as
    `json.dumps(separators=(",", ":"), ensure_ascii=False)` three to fifteen times faster
    (a 13 KB scheduler decision: 220 us → 14 us); it refuses what JSON cannot say exactly
    (integers beyond 64 bits, non-string keys), and for that the standard library does."""
    try:
        return orjson.dumps(obj).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def clone(obj: Any) -> Any:
    """A deep copy of JSON-shaped data: an orjson round trip is several times faster than
    copy.deepcopy for objects of dicts and lists; anything else is deep-copied."""
    try:
        return orjson.loads(orjson.dumps(obj))
    except (TypeError, orjson.JSONDecodeError):
        import copy

        return copy.deepcopy(obj)


def loads(text: str | bytes) -> Any:
    """Parse stored JSON (orjson: about four times faster than json.loads); text orjson
    refuses (NaN, lone surrogates, huge integers) is parsed by the standard library."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def dig(obj: Any, dotted: str) -> Any:
    """Value at a dotted path (`spec.nodeName`), or None where any step is missing."""
    cur = obj
    for part in dotted.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur
