"""The recorded-session file: JSON lines, optionally gzip, read by the timeline and /replay.

    {"format": "kubelab-session", "version": 1, "exported": ..., "by": ..., "from": H,
     "to": R, "events": N}                                  line 1: the header
    {"snapshot": {"rv": H, "t": ms, "objects": [...]}}       line 2: the state at H
    {"rev": r, "t": ms, "type": "ADDED", "kind": "Pod", "object": {...}}   N lines, by rev

Events are the dashboard socket's wire form plus "t", the time the store recorded the
change (ms since the epoch), so the browser applies a file exactly as it applies live
deltas. Lines rather than one JSON document, so a large history streams out of the
server and a reader can show progress; gzip because a lesson's history compresses ~20×.
"""
from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator

from django.utils import timezone

from dashboard.history import History

FORMAT = "kubelab-session"
VERSION = 1


def _line(obj: dict) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode() + b"\n"


def header(history: History) -> dict:
    p = history.principal
    return {"format": FORMAT, "version": VERSION, "exported": timezone.now().isoformat(),
            "by": p.name, "namespaces": "all" if p.is_admin else sorted(p.namespaces),
            "from": history.base_rev, "to": history.upto, "events": history.count}


def encode(history: History) -> Iterator[bytes]:
    """The file, line by line; events are read from the database as they are written."""
    yield _line(header(history))
    yield _line({"snapshot": {"rv": history.base_rev, "t": history.base_time,
                              "objects": history.objects}})
    batch: list[bytes] = []
    for event in history.events():
        batch.append(_line(event))
        if len(batch) >= 500:  # fewer, larger chunks for the streaming response
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)


def gzipped(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """A gzip stream of `chunks` (wbits 31: gzip header and trailer), compressed as it goes."""
    z = zlib.compressobj(6, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = z.compress(chunk)
        if out:
            yield out
    yield z.flush()


def parse(data: bytes) -> tuple[dict, dict, list[dict]]:
    """(header, snapshot, events) from a file's bytes, gzip or not; ValueError if malformed."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    lines = [line for line in data.decode().split("\n") if line.strip()]
    if len(lines) < 2:
        raise ValueError("a session file has a header line and a snapshot line")
    head = json.loads(lines[0])
    if head.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    snap = json.loads(lines[1]).get("snapshot")
    if not isinstance(snap, dict):
        raise ValueError("the second line must be the snapshot")
    return head, snap, [json.loads(line) for line in lines[2:]]
