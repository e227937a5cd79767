"""The Services panel's "send requests" button: real HTTP GETs through the service proxy.

Each request goes to 127.0.0.1:<nodePort>, where the cluster's kube-proxy listens when it
runs. Which pod answered is read from the reply: a pod name from the Service's Endpoints
found in the body or in a header (images such as hashicorp/http-echo or nginx with
$hostname print it), else the reply's first line. Nothing listening is a clear message,
not an error page.
"""
from __future__ import annotations

import http.client

from cluster import auth, store
from cluster.errors import ApiError, BadRequest
from cluster.resources import by_kind

MAX_REQUESTS = 20
TIMEOUT_SECONDS = 1.0
MAX_LABEL = 60  # a long reply body is shortened to this for the bar chart


def _endpoint_pods(namespace: str, name: str) -> list[str]:
    try:
        ep = store.get("Endpoints", namespace, name)
    except ApiError:
        return []
    return [a["targetRef"]["name"] for s in ep.get("subsets") or []
            for a in s.get("addresses") or [] if (a.get("targetRef") or {}).get("name")]


def _node_port(service: dict) -> int | None:
    for port in (service.get("spec") or {}).get("ports") or []:
        if port.get("nodePort"):
            return int(port["nodePort"])
    return None


def _who(body: bytes, headers: list[tuple[str, str]], pods: list[str]) -> str:
    text = body[:4096].decode("utf-8", "replace")
    for pod in pods:  # longest first so web-1 does not match inside web-10
        if pod in text or any(pod in v for _k, v in headers):
            return pod
    first = text.strip().splitlines()[0] if text.strip() else "(empty reply)"
    return first[:MAX_LABEL]


def _one(port: int, pods: list[str]) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    try:
        conn.request("GET", "/", headers={"User-Agent": "kubelab-dashboard"})
        resp = conn.getresponse()
        return _who(resp.read(65536), resp.getheaders(), pods)
    finally:
        conn.close()


def send(principal: auth.Principal, namespace: str, name: str, count: int) -> dict:
    """Up to MAX_REQUESTS GETs; returns {"answers": {who: n}, "failed": n, "message": ...}."""
    if not isinstance(count, int) or not 1 <= count <= MAX_REQUESTS:
        raise BadRequest(f"count must be a whole number from 1 to {MAX_REQUESTS}")
    auth.authorize(principal, "get", by_kind("Service"), namespace, name)
    service = store.get("Service", namespace, name)
    port = _node_port(service)
    if port is None:
        return {"answers": {}, "failed": count, "port": None,
                "message": f"{name} has no nodePort, so there is no port on this host to "
                           f"send requests to (use type: NodePort)."}
    pods = sorted(_endpoint_pods(namespace, name), key=len, reverse=True)
    answers: dict[str, int] = {}
    failed, last_error = 0, ""
    for _ in range(count):
        try:
            who = _one(port, pods)
            answers[who] = answers.get(who, 0) + 1
        except (OSError, http.client.HTTPException) as exc:  # timeouts are OSErrors
            failed += 1
            last_error = str(exc) or type(exc).__name__
    message = ""
    if failed == count:
        message = (f"Nothing answered on 127.0.0.1:{port} ({last_error}). The service proxy "
                   f"may not be running yet, or no pod behind {name} is ready.")
    return {"answers": answers, "failed": failed, "port": port, "message": message}

