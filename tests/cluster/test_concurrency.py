"""Optimistic concurrency under contention: conflicts are 409s, never lost updates."""
from __future__ import annotations

import threading
import uuid

from tests.cluster.rawhttp import request

THREADS = 20
UPDATES_EACH = 50


def test_concurrent_conditional_updates_lose_nothing(kubelab_server):
    ns = f"c-{uuid.uuid4().hex[:8]}"
    assert request(kubelab_server, "POST", "/api/v1/namespaces",
                   {"metadata": {"name": ns}})[0] == 201
    # A ConfigMap: no controller owns or rewrites it, so only the writers below touch it.
    path = f"/api/v1/namespaces/{ns}/configmaps/contended"
    status, _ = request(kubelab_server, "POST", f"/api/v1/namespaces/{ns}/configmaps",
                        {"metadata": {"name": "contended", "annotations": {"log": ""}}})
    assert status == 201
    wins: list[str] = []
    conflicts: list[str] = []
    other: list[tuple[int, object]] = []
    lock = threading.Lock()

    def writer(t: int) -> None:
        for i in range(UPDATES_EACH):
            token = f"{t}.{i}"
            status, obj = request(kubelab_server, "GET", path)
            if status != 200:
                with lock:
                    other.append((status, obj))
                continue
            # Each update appends its token to what it read: a lost update would
            # drop a token that an earlier success had written.
            log = obj["metadata"]["annotations"]["log"]
            obj["metadata"]["annotations"]["log"] = f"{log} {token}".strip()
            status, body = request(kubelab_server, "PUT", path, obj)
            with lock:
                if status == 200:
                    wins.append(token)
                elif status == 409 and body.get("reason") == "Conflict":
                    conflicts.append(token)
                else:
                    other.append((status, body))

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(300)
    assert other == []
    assert len(wins) + len(conflicts) == THREADS * UPDATES_EACH
    assert conflicts, "20 writers on one object should collide at least once"
    final = request(kubelab_server, "GET", path)[1]
    written = final["metadata"]["annotations"]["log"].split()
    assert sorted(written) == sorted(wins)
    assert len(written) == len(set(written))
