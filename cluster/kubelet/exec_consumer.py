"""pods/exec over a websocket: the channel.k8s.io protocols kubectl and the Python client speak.

Every binary frame starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 the final
metav1.Status (JSON), 4 terminal resize (JSON Width/Height). `v5.channel.k8s.io` adds one
client frame, [255, channel], that closes a stream: for stdin that is EOF, which is how
`kubectl exec -i ... -- cat < file` ends. The command runs as a `docker exec` in the
pod's container; its hijacked socket is read on the event loop, never in a thread.

Who may exec: a bearer token (kubectl, the client) authorised for `create` on
pods/exec, or the dashboard's session cookie, which is only honoured when the Origin
is one of ours (a browser would otherwise let any site open this socket as the user).
"""
from __future__ import annotations

import asyncio
import json
import logging
import socket
import struct
import time
from urllib.parse import parse_qs, urlparse

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http.request import validate_host

from cluster import auth, store
from cluster.errors import ApiError, BadRequest
from cluster.kubelet import logs
from cluster.resources import lookup

log = logging.getLogger("kubelab.kubelet.exec")

V5, V4 = "v5.channel.k8s.io", "v4.channel.k8s.io"
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
READ_SIZE = 65536


def _bool(query: dict[str, list[str]], name: str) -> bool:
    return (query.get(name) or [""])[-1].lower() in ("1", "true", "yes")


def success() -> dict:
    return {"metadata": {}, "status": "Success"}


def failure(message: str, reason: str = "InternalError", code: int = 500,
            exit_code: int | None = None) -> dict:
    status: dict = {"metadata": {}, "status": "Failure", "message": message,
                    "reason": reason, "code": code}
    if exit_code is not None:
        status["details"] = {"causes": [{"reason": "ExitCode", "message": str(exit_code)}]}
    return status


class Demux:
    """Docker's multiplexed stream (8-byte headers: stream, 0, 0, 0, size) -> chunks."""

    def __init__(self) -> None:
        self.buf = b""

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        self.buf += data
        out = []
        while len(self.buf) >= 8:
            kind, size = self.buf[0], struct.unpack(">I", self.buf[4:8])[0]
            if len(self.buf) < 8 + size:
                break
            out.append((STDERR if kind == 2 else STDOUT, self.buf[8:8 + size]))
            self.buf = self.buf[8 + size:]
        return out


def _raw_socket(hijacked) -> tuple[socket.socket, bytes]:
    """The docker SDK's hijacked socket, plus any output its HTTP parser already read
    into its buffer together with the 101 response (a fast `echo` lands there)."""
    raw = getattr(hijacked, "_sock", hijacked)
    early = b""
    fp = getattr(getattr(getattr(getattr(hijacked, "_response", None), "raw", None), "_fp",
                         None), "fp", None)
    if fp is not None:
        raw.setblocking(False)
        try:
            early = fp.read1(READ_SIZE) or b""
        except (BlockingIOError, TypeError, ValueError, OSError):
            early = b""
    raw.setblocking(False)
    return raw, early


class ExecConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        offered = self.scope.get("subprotocols") or []
        self.protocol = V5 if V5 in offered else (V4 if V4 in offered else None)
        self.sock: socket.socket | None = None
        self.exec_id = ""
        self.pump: asyncio.Task | None = None
        await self.accept(self.protocol)
        try:
            principal = await database_sync_to_async(self._principal)()
            await self._start(principal)
        except ApiError as err:
            await self._finish(failure(err.message, err.reason, err.code))
        except Exception as exc:  # noqa: BLE001  (tell the client, keep the server up)
            log.exception("exec failed to start")
            await self._finish(failure(f"exec failed: {exc}"))

    # --- who ------------------------------------------------------------------
    def _header(self, name: bytes) -> str:
        for key, value in self.scope.get("headers") or []:
            if key.lower() == name:
                return value.decode("latin-1")
        return ""

    def _principal(self) -> auth.Principal:
        header = self._header(b"authorization")
        if header:
            return auth.authenticate(header)
        from dashboard.session import principal_from_scope

        origin = urlparse(self._header(b"origin")).hostname or ""
        principal = principal_from_scope(self.scope) if origin and validate_host(
            origin, settings.ALLOWED_HOSTS) else None
        if principal is None:
            return auth.authenticate("")  # raises the usual 401
        return principal

    # --- start --------------------------------------------------------------------
    async def _start(self, principal: auth.Principal) -> None:
        route = self.scope["url_route"]["kwargs"]
        namespace, name = route["namespace"], route["name"]
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        command = query.get("command") or []
        if not command:
            raise BadRequest("you must specify at least 1 command")
        self.tty = _bool(query, "tty")
        self.stdin = _bool(query, "stdin")
        stdout, stderr = _bool(query, "stdout"), _bool(query, "stderr") and not self.tty

        def prepare() -> str:
            auth.authorize(principal, "create", lookup("", "v1", "pods"), namespace, name)
            pod = store.get("Pod", namespace, name)
            container = logs.pick_container(pod, (query.get("container") or [""])[-1])
            logs.check_node(pod)
            client = logs.docker_client()
            try:
                target = logs.find_container(client, pod, container, previous=False)
                if target.get("State") != "running":
                    raise BadRequest(f"container {container} is not running (it is "
                                     f"{target.get('State')}); cannot exec into it")
                created = client.api.exec_create(target["Id"], command, stdin=self.stdin,
                                                 stdout=stdout, stderr=stderr, tty=self.tty)
                self.exec_id = created["Id"]
                self.docker = client
                hijacked = client.api.exec_start(self.exec_id, socket=True, tty=self.tty)
            except BaseException:
                client.close()
                raise
            self.sock, early = _raw_socket(hijacked)
            self._hijacked = hijacked  # keeps the HTTP response (and socket) alive
            return early
        # The database helper closes stale connections around the call, as Django does.
        early = await database_sync_to_async(prepare)()
        log.info("exec in %s/%s: %s", namespace, name, " ".join(command))
        self.pump = asyncio.create_task(self._relay(early))

    # --- streams --------------------------------------------------------------
    async def _relay(self, early: bytes) -> None:
        """Docker output -> stdout/stderr frames; at EOF the exit status, then close."""
        loop = asyncio.get_running_loop()
        demux = None if self.tty else Demux()
        data = early
        try:
            while True:
                if data:
                    chunks = [(STDOUT, data)] if demux is None else demux.feed(data)
                    for channel, payload in chunks:
                        await self.send(bytes_data=bytes([channel]) + payload)
                data = await loop.sock_recv(self.sock, READ_SIZE)
                if not data:
                    break
            code = await sync_to_async(self._exit_code, thread_sensitive=False)()
            if code == 0:
                await self._finish(success())
            else:
                await self._finish(failure(
                    f"command terminated with non-zero exit code: exit status {code}",
                    "NonZeroExitCode", 500, exit_code=code))
        except asyncio.CancelledError:
            pass
        except OSError as exc:
            await self._finish(failure(f"exec stream broke: {exc}"))

    def _exit_code(self) -> int:
        for _ in range(50):  # the exit code may trail the stream's end by a moment
            info = self.docker.api.exec_inspect(self.exec_id)
            if not info.get("Running"):
                return int(info.get("ExitCode") or 0)
            time.sleep(0.02)
        return int(info.get("ExitCode") or 0)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        data = bytes_data if bytes_data is not None else (text_data or "").encode()
        if not data or self.sock is None:
            return
        channel, payload = data[0], data[1:]
        loop = asyncio.get_running_loop()
        try:
            if channel == STDIN and self.stdin and payload:
                await loop.sock_sendall(self.sock, payload)
            elif channel == CLOSE and self.protocol == V5 and payload[:1] == bytes([STDIN]):
                self.sock.shutdown(socket.SHUT_WR)  # EOF on the command's stdin
            elif channel == RESIZE and self.tty:
                size = json.loads(payload or b"{}")
                await sync_to_async(self.docker.api.exec_resize, thread_sensitive=False)(
                    self.exec_id, height=int(size.get("Height") or 24),
                    width=int(size.get("Width") or 80))
        except (OSError, ValueError) as exc:
            log.debug("exec input: %s", exc)
        except Exception as exc:  # noqa: BLE001  (a resize racing the exit)
            log.debug("exec control message: %s", exc)

    async def _finish(self, status: dict) -> None:
        try:
            await self.send(bytes_data=bytes([ERROR]) + json.dumps(status).encode())
            await self.close()
        except Exception as exc:  # noqa: BLE001  (the client already left)
            log.debug("exec finish: %s", exc)
        self._cleanup()

    async def disconnect(self, code: int) -> None:
        if self.pump is not None and self.pump is not asyncio.current_task():
            self.pump.cancel()
        self._cleanup()

    def _cleanup(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
        client = getattr(self, "docker", None)
        if client is not None:
            self.docker = None
            client.close()
