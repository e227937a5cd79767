"""The dashboard's websocket: a snapshot, then deltas; resumes from `?rv=` after a reconnect.

Thin on purpose: authentication is the session cookie (dashboard/session.py), Origin is
checked by the validator in routing.py, the ordering logic lives in feed.py, the first
message is built by snapshot.py, and frames.py keeps each frame under daphne's size limit.
Client messages dispatch on a dotted type.
"""
from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from dashboard import snapshot
from dashboard.feed import Compacted, Feed
from dashboard.frames import event_frames, snapshot_frames
from dashboard.session import principal_from_scope

log = logging.getLogger(__name__)
UNAUTHORIZED = 4401


class ClusterConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.principal = await sync_to_async(principal_from_scope)(self.scope)
        if self.principal is None:
            await self.close(code=UNAUTHORIZED)
            return
        await self.accept()
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        raw = (query.get("rv") or [""])[0]
        since = int(raw) if raw.isdigit() and int(raw) > 0 else None
        self.task = asyncio.create_task(self._follow(since))

    async def disconnect(self, code: int) -> None:
        task = getattr(self, "task", None)
        if task is not None:
            task.cancel()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        try:
            message = json.loads(text_data or "{}")
        except ValueError:
            return
        handler = {"client.ping": self.client_ping}.get(str(message.get("type")))
        if handler is not None:
            await handler(message)

    async def client_ping(self, message: dict) -> None:
        await self._send({"type": "server.pong", "t": message.get("t")})

    async def _send(self, message: dict) -> None:
        await self.send(text_data=json.dumps(message, separators=(",", ":")))

    async def _snapshot(self, reason: str) -> int:
        rv, objects = await sync_to_async(snapshot.build_text)(self.principal)
        for frame in snapshot_frames(rv, reason, objects):  # several when it is large
            await self.send(text_data=frame)
        return rv

    async def _follow(self, since: int | None) -> None:
        client = aioredis.from_url(settings.REDIS_URL)
        pubsub = client.pubsub()
        try:
            # Subscribe before reading any state, so nothing committed meanwhile is missed.
            await pubsub.subscribe(settings.EVENTS_CHANNEL)
            if since is None:
                since = await self._snapshot("connect")
            else:
                await self._send({"type": "resume", "rv": since})
            while True:
                try:
                    async for batch in Feed(self.principal, since).batches(pubsub):
                        for frame in event_frames(batch):
                            await self.send(text_data=frame)
                except Compacted:
                    # 410 in watch terms: the history is gone, start again from a snapshot.
                    since = await self._snapshot("gone")
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("dashboard feed failed")
            await self.close(code=1011)
        finally:
            await pubsub.aclose()
            await client.aclose()
