"""Logging in to the dashboard the way a browser does, for programs that hold a dashboard
socket open: the chaos run's watcher and the dashboard tests' websocket clients."""
from __future__ import annotations

import requests


def login_cookie(url: str, token: str) -> str:
    """The Cookie header a browser holds after logging in with `token` (CSRF and all)."""
    http = requests.Session()
    http.get(f"{url}/login", timeout=10)
    resp = http.post(f"{url}/login", data={"token": token,
                                           "csrfmiddlewaretoken": http.cookies["csrftoken"]},
                     headers={"Referer": f"{url}/login"}, allow_redirects=False, timeout=10)
    if resp.status_code != 302:
        raise RuntimeError(f"dashboard login answered {resp.status_code}: {resp.text[:200]}")
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())
