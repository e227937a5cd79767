"""/livez and /readyz: is the process up; can it serve (database, Redis, workers)."""
from __future__ import annotations

import json
import time

from django.db import connection
from django.http import HttpRequest, HttpResponse

from cluster.events import redis_client

_workers_cache: tuple[float, list[str]] = (0.0, [])


def livez(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT value FROM cluster_revision WHERE id = 1")
        if cur.fetchone() is None:
            return "no revision row: run `manage.py bootstrap`"
    return ""


def _check_redis() -> str:
    redis_client().ping()
    return ""


def answering_workers() -> list[str]:
    """Celery workers that answer a ping (cached for a few seconds: pings cost ~1 s)."""
    global _workers_cache
    now = time.monotonic()
    if now - _workers_cache[0] < 5 and _workers_cache[1]:
        return _workers_cache[1]
    from config.celery import app

    replies = app.control.ping(timeout=1.0) or []
    names = sorted(name for reply in replies for name in reply)
    _workers_cache = (now, names)
    return names


def _check_workers() -> str:
    return "" if answering_workers() else "no Celery worker answered a ping"


CHECKS = {"database": _check_database, "redis": _check_redis, "workers": _check_workers}


def readyz(request: HttpRequest) -> HttpResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as exc:  # any failure of a dependency means not ready
            problem = f"{type(exc).__name__}: {exc}"
        results[name] = problem or "ok"
    ready = all(v == "ok" for v in results.values())
    if "verbose" in request.GET or not ready:
        body = json.dumps({"ready": ready, "checks": results,
                           "workers": _workers_cache[1]})
        return HttpResponse(body, status=200 if ready else 503, content_type="application/json")
    return HttpResponse("ok", content_type="text/plain")
