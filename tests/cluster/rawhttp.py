"""A tiny HTTP helper for tests that must send what the typed client refuses to."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


def request(server, method: str, path: str, body: Any = None, *,
            content_type: str = "application/json", token: str | None = None,
            raw: bytes | None = None, timeout: float = 30) -> tuple[int, Any]:
    """(status, parsed JSON body or text) for one request to the test server."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(server.url + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token or server.admin_token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, payload = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, payload = err.code, err.read()
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, payload.decode(errors="replace")
