"""`?watch=1`: a chunked stream of JSON events, one per line, served by the ASGI server.

Events are read in revision order, gaps filled from the watch-event table, by
cluster/eventstream.py (the dashboard's socket uses the same reader).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings

from cluster import auth, ratelimit, store
from cluster.api import render
from cluster.api.http import TABLE_TYPE, query_bool, wants_table
from cluster.api.routing import resolve
from cluster.errors import ApiError, BadRequest, Gone
from cluster.eventstream import POLL_SECONDS, Compacted, Event, OrderedEvents, revision_state
from cluster.objects import dumps
from cluster.resources import Resource
from cluster.selectors import (
    FieldSelector,
    LabelSelector,
    SelectorError,
    parse_field_selector,
    parse_label_selector,
)

log = logging.getLogger(__name__)
BOOKMARK_SECONDS = 10.0
MAX_TIMEOUT = 3600


@dataclass
class WatchSpec:
    resource: Resource
    namespace: str
    labels: LabelSelector
    fields: FieldSelector
    since: int | None  # None: send current objects first
    timeout: float
    bookmarks: bool
    table: bool
    seen: set = field(default_factory=set)

    def matches(self, obj: dict) -> bool:
        m = obj.get("metadata") or {}
        if self.namespace and m.get("namespace") != self.namespace:
            return False
        return self.labels.matches(m.get("labels") or {}) and self.fields.matches(obj)


def is_watch(scope: dict) -> bool:
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return False
    path = scope.get("path", "")
    if not (path.startswith("/api/") or path.startswith("/apis/")):
        return False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return query_bool((query.get("watch") or [""])[0])


def parse_spec(path: str, params: dict[str, str], accept: str,
               principal: auth.Principal) -> WatchSpec:
    parts = path.strip("/").split("/")
    if parts[0] == "api" and len(parts) >= 2:
        target = resolve("", parts[1], "/".join(parts[2:]))
    elif parts[0] == "apis" and len(parts) >= 3:
        target = resolve(parts[1], parts[2], "/".join(parts[3:]))
    else:
        raise BadRequest("not an API path")
    res = target.resource
    auth.authorize(principal, "watch", res, target.namespace)
    try:
        labels = parse_label_selector(params.get("labelSelector", ""))
        field_text = params.get("fieldSelector", "")
        if target.name:  # a watch on one object's path means that object only
            field_text = ",".join(filter(None, [field_text, f"metadata.name={target.name}"]))
        fields = parse_field_selector(field_text, res.field_selectors)
    except SelectorError as exc:
        raise BadRequest(f"unable to parse requirement: {exc}") from None
    raw_rv = params.get("resourceVersion", "")
    try:
        since = int(raw_rv) if raw_rv not in ("", "0") else None
        timeout = float(params.get("timeoutSeconds") or MAX_TIMEOUT)
    except ValueError:
        raise BadRequest("resourceVersion and timeoutSeconds must be numbers") from None
    if params.get("sendInitialEvents") == "true":
        since = None
    return WatchSpec(res, target.namespace, labels, fields, since,
                     max(0.0, min(timeout, MAX_TIMEOUT)),
                     query_bool(params.get("allowWatchBookmarks")), wants_table(accept))


def _too_old(since: int, compacted: int) -> str:
    return dumps({"type": "ERROR", "object": Gone(
        f"too old resource version: {since} ({compacted})").status()}) + "\n"


class EventStream:
    """The lines of one watch: initial objects or catch-up, then live events.

    Ordering and gap-filling live in cluster/eventstream.py (shared with the dashboard);
    this class adds what is particular to a watch: selectors, "stopped matching" as
    DELETED, Table rendering and bookmarks.
    """

    def __init__(self, spec: WatchSpec, stop: asyncio.Event | None = None) -> None:
        self.spec = spec
        self.events = OrderedEvents((spec.resource.kind,))
        self.stop = stop or asyncio.Event()  # set when the client has gone away

    @property
    def last(self) -> int:
        return self.events.last

    def _line(self, event_type: str, obj: dict) -> str | None:
        spec = self.spec
        m = obj.get("metadata") or {}
        key = (m.get("namespace", ""), m.get("name"))
        if spec.matches(obj):
            if event_type == "DELETED":
                spec.seen.discard(key)
            else:
                spec.seen.add(key)
        elif key in spec.seen:  # it stopped matching: to this watcher it is gone
            spec.seen.discard(key)
            event_type = "DELETED"
        else:
            return None
        if spec.table:
            obj = render.table(spec.resource, [obj], m.get("resourceVersion", ""))
        return dumps({"type": event_type, "object": obj}) + "\n"

    def _lines(self, events: list[Event]) -> list[str]:
        return [line for e in events if (line := self._line(e.type, e.obj))]

    async def lines(self, pubsub) -> AsyncIterator[str]:
        spec = self.spec
        current, compacted = await sync_to_async(revision_state)()
        if spec.since is None:
            result = await sync_to_async(store.list_objects)(
                spec.resource.kind, spec.namespace or None, spec.labels, spec.fields)
            self.events.last = result.resource_version
            for item in result.items:
                line = self._line("ADDED", json.loads(item))
                if line:
                    yield line
        else:
            if spec.since < compacted:
                yield _too_old(spec.since, compacted)
                return
            self.events.last = spec.since
        for line in self._lines(await self.events.catch_up(max(current, self.last))):
            yield line
        deadline = time.monotonic() + spec.timeout
        next_bookmark = time.monotonic() + BOOKMARK_SECONDS
        next_poll = time.monotonic() + POLL_SECONDS
        while (now := time.monotonic()) < deadline and not self.stop.is_set():
            msg = await pubsub.get_message(ignore_subscribe_messages=True,
                                           timeout=min(1.0, max(0.01, deadline - now)))
            if msg is not None:
                for line in self._lines(await self.events.on_message(msg["data"])):
                    yield line
            elif time.monotonic() >= next_poll:
                next_poll = time.monotonic() + POLL_SECONDS
                try:
                    missed = await self.events.check_table()
                except Compacted as gone:
                    yield _too_old(gone.since, gone.compacted)
                    return
                for line in self._lines(missed):
                    yield line
            if spec.bookmarks and not spec.table and time.monotonic() >= next_bookmark:
                next_bookmark = time.monotonic() + BOOKMARK_SECONDS
                yield dumps({"type": "BOOKMARK", "object": {
                    "kind": spec.resource.kind, "apiVersion": spec.resource.api_version,
                    "metadata": {"resourceVersion": str(self.last)}}}) + "\n"


async def watch_app(scope: dict, receive, send) -> None:
    """A pure ASGI handler for watch requests (no per-chunk thread hops)."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    params = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
    try:
        principal = await sync_to_async(auth.authenticate)(headers.get("authorization", ""))
        ratelimit.check(principal)
        spec = await sync_to_async(parse_spec)(scope["path"], params,
                                               headers.get("accept", ""), principal)
    except ApiError as err:
        body = dumps(err.status()).encode()
        head = [(b"content-type", b"application/json")]
        if err.retry_after:
            head.append((b"retry-after", str(err.retry_after).encode()))
        await send({"type": "http.response.start", "status": err.code, "headers": head})
        await send({"type": "http.response.body", "body": body})
        return
    client = aioredis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub()
    await pubsub.subscribe(settings.EVENTS_CHANNEL)  # before reading state: nothing missed
    ctype = TABLE_TYPE if spec.table else "application/json"
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", ctype.encode()), (b"cache-control", b"no-cache, private"),
        (b"x-accel-buffering", b"no")]})
    disconnected = asyncio.Event()

    async def watch_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        disconnected.set()

    listener = asyncio.create_task(watch_disconnect())
    try:
        async for line in EventStream(spec, disconnected).lines(pubsub):
            if disconnected.is_set():
                break
            await send({"type": "http.response.body", "body": line.encode(), "more_body": True})
        if not disconnected.is_set():
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except Exception:
        log.exception("watch stream failed")
    finally:
        listener.cancel()
        await pubsub.aclose()
        await client.aclose()


def with_watch(django_app):
    """Wrap the Django ASGI app so watch requests go to `watch_app`."""
    async def app(scope, receive, send):
        if is_watch(scope):
            await watch_app(scope, receive, send)
        else:
            await django_app(scope, receive, send)
    return app
