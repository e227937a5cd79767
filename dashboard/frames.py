"""Websocket text frames under daphne's message limit.

Daphne refuses to send a message over 1 MiB (autobahn's maxMessagePayloadSize) and closes
the socket: the snapshot of a 1,000-node, 10,000-pod cluster is about 10 MB, and a batch
of 500 large events can pass the limit too. So a snapshot over FRAME_BYTES goes out as a
"snapshot" message saying how many `parts` there are, followed by that many minus one
"snapshot.part" messages; the browser (static/dashboard/socket.js) applies it when the
last part is in. Smaller ones stay one message, exactly as before. Events are split into
several "events" messages, which the browser applies as they come anyway.

Objects arrive here already serialised, so a frame is joined text, never dumped twice.
One object over the limit still makes an oversized frame: the store accepts bodies up to
3 MB, but none of the kinds the map draws come near.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

FRAME_BYTES = 512 * 1024  # well under the 1 MiB limit, for the message's own envelope


def _size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode())


def groups(texts: list[str], limit: int = FRAME_BYTES) -> list[list[str]]:
    """`texts` in order, cut into runs of at most `limit` bytes (each at least one)."""
    out: list[list[str]] = [[]]
    size = 0
    for text in texts:
        n = _size(text) + 1
        if out[-1] and size + n > limit:
            out.append([])
            size = 0
        out[-1].append(text)
        size += n
    return out


def snapshot_frames(rv: int, reason: str, objects: list[str],
                    limit: int = FRAME_BYTES) -> Iterator[str]:
    parts = groups(objects, limit)
    head: dict = {"type": "snapshot", "rv": rv, "reason": reason}
    if len(parts) > 1:
        head["parts"] = len(parts)
    yield json.dumps(head, separators=(",", ":"))[:-1] + ',"objects":[' + ",".join(parts[0]) + "]}"
    for part in parts[1:]:
        yield '{"type":"snapshot.part","objects":[' + ",".join(part) + "]}"


def event_frames(events: list[dict], limit: int = FRAME_BYTES) -> Iterator[str]:
    return delta_frames([json.dumps(e, separators=(",", ":")) for e in events], limit)


def delta_frames(texts: list[str], limit: int = FRAME_BYTES) -> Iterator[str]:
    """Events already serialised (dashboard/wire.py: once for every socket) as frames."""
    if len(texts) == 1:  # the usual live case: no sizing needed
        yield '{"type":"events","events":[' + texts[0] + "]}"
        return
    for part in groups(texts, limit):
        yield '{"type":"events","events":[' + ",".join(part) + "]}"
