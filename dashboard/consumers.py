"""The dashboard's websocket: a snapshot, then deltas; resumes from `?rv=` after a reconnect.

Thin on purpose: authentication is the session cookie (dashboard/session.py), Origin is
checked by the validator in routing.py, the events come from the process's shared reader
(fanout.py) through this socket's own queue and resume point (feed.py), the first
message is built by snapshot.py, and frames.py keeps each frame under daphne's size limit.
Client messages dispatch on a dotted type.
"""
from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from dashboard import fanout, snapshot
from dashboard.feed import Behind, Compacted
from dashboard.frames import delta_frames, snapshot_frames
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
        # Join the process's shared reader before reading any state, so nothing committed
        # meanwhile is missed (dashboard/fanout.py; the ordering is in feed.py).
        follower = None
        try:
            follower = await fanout.join(self.principal)
            reason = "connect"
            if since is not None:
                await self._send({"type": "resume", "rv": since})
            while True:
                if since is None:
                    since = await self._snapshot(reason)
                try:
                    async for batch in follower.batches(since):
                        for frame in delta_frames(batch):
                            await self.send(text_data=frame)
                except Compacted:
                    reason = "gone"  # 410 in watch terms: the history is gone
                except Behind:
                    reason = "behind"  # this socket fell too far behind the others
                follower.rewind()  # before the snapshot is read: nothing after it is lost
                since = None
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("dashboard feed failed")
            await self.close(code=1011)
        finally:
            if follower is not None:
                fanout.leave(follower)
