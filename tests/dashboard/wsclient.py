"""A websocket client for the dashboard socket that logs in the way a browser does."""
from __future__ import annotations

import json
import time

import websocket

from cluster.runner.dashboard_login import login_cookie  # noqa: F401  (the tests' import)


def open_socket(url: str, cookie: str, rv: int | None = None,
                origin: str | None = None) -> websocket.WebSocket:
    ws_url = url.replace("http://", "ws://") + "/ws/cluster" + (f"?rv={rv}" if rv else "")
    return websocket.create_connection(ws_url, header=[f"Cookie: {cookie}"],
                                       origin=origin or url, timeout=10)


def receive_until(ws: websocket.WebSocket, done, seconds: float = 10.0) -> list[dict]:
    """Messages until `done(messages)` holds; fails after `seconds`."""
    messages: list[dict] = []
    deadline = time.monotonic() + seconds
    while not done(messages):
        left = deadline - time.monotonic()
        assert left > 0, f"timed out; got {[m.get('type') for m in messages]}"
        ws.settimeout(left)
        messages.append(json.loads(ws.recv()))
    return messages


def objects_in(messages: list[dict]) -> list[dict]:
    out = []
    for m in messages:
        if m["type"] == "snapshot":
            out.extend(m["objects"])
        elif m["type"] == "events":
            out.extend(e["object"] for e in m["events"])
    return out
