"""kube-proxy for the Docker runtime: NodePort Services as TCP listeners on 127.0.0.1.

For every Service port with a nodePort there is one listener on 127.0.0.1:<nodePort>;
each accepted connection goes to the next ready endpoint address (round robin) from
the Service's Endpoints, which the Endpoints controller keeps current. A refused
connection is retried on the next address, so a pod that died a moment ago costs a
retry, not an error. The table is rebuilt when a Service or Endpoints event arrives on
the store's Redis channel (within a second) and every few seconds anyway, since a
lost message must not leave a stale rotation behind. Pod IPs on the Docker bridge are
reachable from the host, so no iptables are needed: the proxy is a userspace proxy,
like kube-proxy's first mode. The same proxy serves ClusterIP Services to pods, on the
Docker network's gateway address (see `cluster_ports.py`).
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import signal
from dataclasses import dataclass, field

from cluster.kubelet import cluster_ports

log = logging.getLogger("kubelab.proxy")

CONNECT_TIMEOUT = 1.0
RELIST_SECONDS = 5.0
CHUNK = 65536
Backend = tuple[str, int]
Key = int | str  # a nodePort, or a ClusterIP Service port's `cluster_ports.service_key`


def _target_port(sport: dict, subset_ports: list[dict]) -> int | None:
    """The endpoint port for a Service port: matched by name (unnamed when single)."""
    name = sport.get("name") or ""
    for eport in subset_ports:
        if (eport.get("name") or "") == name and \
                (eport.get("protocol") or "TCP") == (sport.get("protocol") or "TCP"):
            return int(eport["port"])
    return None


def _backends(sport: dict, ep: dict) -> list[Backend]:
    """The ready addresses behind one Service port, sorted, without duplicates."""
    backends: list[Backend] = []
    for subset in ep.get("subsets") or []:
        port = _target_port(sport, subset.get("ports") or [])
        if port is None:
            continue
        backends += [(a["ip"], port) for a in subset.get("addresses") or [] if a.get("ip")]
    return sorted(set(backends))


def _tcp_ports(svc: dict) -> list[dict]:
    return [p for p in (svc.get("spec") or {}).get("ports") or []
            if (p.get("protocol") or "TCP") == "TCP"]


def node_port_table(services: list[dict], endpoints: dict[tuple[str, str], dict]
                    ) -> dict[int, list[Backend]]:
    """nodePort -> the ready backends behind it (pure: easy to test)."""
    table: dict[int, list[Backend]] = {}
    for svc in services:
        if (svc.get("spec") or {}).get("type") not in ("NodePort", "LoadBalancer"):
            continue
        m = svc["metadata"]
        ep = endpoints.get((m["namespace"], m["name"])) or {}
        for sport in _tcp_ports(svc):
            if sport.get("nodePort"):
                table[int(sport["nodePort"])] = _backends(sport, ep)
    return table


def cluster_port_table(services: list[dict], endpoints: dict[tuple[str, str], dict]
                       ) -> dict[str, list[Backend]]:
    """`ns/name:port` -> the ready backends, for every Service port with a clusterIP."""
    table: dict[str, list[Backend]] = {}
    for svc in services:
        ip = (svc.get("spec") or {}).get("clusterIP")
        if not ip or ip == "None":
            continue  # headless or ExternalName: nothing to proxy
        m = svc["metadata"]
        ep = endpoints.get((m["namespace"], m["name"])) or {}
        for sport in _tcp_ports(svc):
            if sport.get("port"):
                key = cluster_ports.service_key(m["namespace"], m["name"], sport["port"])
                table[key] = _backends(sport, ep)
    return table


def load_table() -> dict[Key, list[Backend]]:
    """Read Services and Endpoints from the store (runs in a thread: it is the ORM)."""
    from django.db import close_old_connections

    from cluster import store

    close_old_connections()
    services = [json.loads(s) for s in store.list_objects("Service").items]
    endpoints = {}
    for raw in store.list_objects("Endpoints").items:
        ep = json.loads(raw)
        endpoints[(ep["metadata"]["namespace"], ep["metadata"]["name"])] = ep
    return {**node_port_table(services, endpoints), **cluster_port_table(services, endpoints)}


@dataclass
class Proxy:
    host: str = "127.0.0.1"
    relist_seconds: float = RELIST_SECONDS
    table: dict[Key, list[Backend]] = field(default_factory=dict)
    listeners: dict[Key, asyncio.Server] = field(default_factory=dict)
    next_index: dict[Key, int] = field(default_factory=dict)
    # Where pods reach ClusterIP Services ("" = not served) and the ports recorded there.
    cluster_host: str = ""
    cluster_ports: dict[str, int] = field(default_factory=dict)
    _bind_failed: set[Key] = field(default_factory=set)

    async def run(self, stop: asyncio.Event, network: str = "") -> None:
        wake = asyncio.Event()
        events = asyncio.create_task(self._follow_events(wake))
        try:
            self.cluster_host = await asyncio.to_thread(cluster_ports.gateway_address, network)
            await self.refresh()
            log.info("kube-proxy ready: %d listener(s): NodePorts on %s, ClusterIP Services "
                     "for pods on %s", len(self.listeners), self.host,
                     self.cluster_host or "(no Docker network)")
            while not stop.is_set():
                sleeper = asyncio.create_task(wake.wait())
                stopper = asyncio.create_task(stop.wait())
                await asyncio.wait({sleeper, stopper}, timeout=self.relist_seconds,
                                   return_when=asyncio.FIRST_COMPLETED)
                sleeper.cancel()
                stopper.cancel()
                wake.clear()
                if not stop.is_set():
                    await self.refresh()
        finally:
            events.cancel()
            await self.close()

    async def refresh(self) -> None:
        try:
            table = await asyncio.to_thread(load_table)
            if self.cluster_host:
                self.cluster_ports = await asyncio.to_thread(cluster_ports.recorded)
        except Exception as exc:  # noqa: BLE001  (database briefly away: keep the old table)
            log.warning("could not read services: %s", exc)
            return
        for key, backends in table.items():
            if backends != self.table.get(key):
                log.info("%s -> %s", _label(key),
                         ", ".join(f"{ip}:{p}" for ip, p in backends) or "(no ready endpoints)")
        self.table = table
        gone = [k for k in self.listeners if k not in table]
        for key in gone:
            self.listeners.pop(key).close()
            log.info("%s closed", _label(key))
        # A deleted Service's recorded port goes too (the next one may get it again).
        stale = [k for k in self.cluster_ports if k not in table]
        if stale and self.cluster_host:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(cluster_ports.forget, stale)
        for key in table:
            if key not in self.listeners:
                await self._listen(key)

    async def _listen(self, key: Key) -> None:
        if isinstance(key, int):
            host, port = self.host, key
        elif self.cluster_host:
            host, port = self.cluster_host, self.cluster_ports.get(key, 0)
        else:
            return  # no Docker network: no pod could call it anyway
        try:
            server = await self._bind(key, host, port)
        except OSError as exc:
            if key not in self._bind_failed:  # say it once, retry on every refresh
                log.warning("cannot listen on %s:%d for %s: %s", host, port, _label(key), exc)
                self._bind_failed.add(key)
            return
        self.listeners[key] = server
        self._bind_failed.discard(key)
        actual = server.sockets[0].getsockname()[1]
        if isinstance(key, str) and actual != port:
            self.cluster_ports[key] = actual
            await asyncio.to_thread(cluster_ports.record, key, actual)
            log.info("%s served to pods on %s:%d", _label(key), host, actual)

    async def _bind(self, key: Key, host: str, port: int) -> asyncio.Server:
        serve = functools.partial(self._serve, key)
        try:
            return await asyncio.start_server(serve, host, port, reuse_address=True)
        except OSError:
            if isinstance(key, int) or port == 0:
                raise
            # The recorded port was taken while we were away: any free one will do;
            # only containers started before keep the old value in their environment.
            log.warning("%s: port %d is taken now; choosing another", _label(key), port)
            return await asyncio.start_server(serve, host, 0, reuse_address=True)

    async def close(self) -> None:
        for server in self.listeners.values():
            server.close()
        for server in self.listeners.values():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1.0)
        self.listeners.clear()

    async def _follow_events(self, wake: asyncio.Event) -> None:
        """Service/Endpoints changes -> an immediate refresh; reconnects on errors."""
        import redis.asyncio as aioredis
        from django.conf import settings

        while True:
            client = aioredis.from_url(settings.REDIS_URL)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(settings.EVENTS_CHANNEL)
                wake.set()  # anything missed while (re)connecting is picked up now
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    try:
                        kind = json.loads(message["data"]).get("kind")
                    except ValueError:
                        continue
                    if kind in ("Service", "Endpoints"):
                        wake.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001  (Redis restarted: the relist covers it)
                log.warning("events channel: %s; reconnecting", exc)
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()

    # --- one connection ---------------------------------------------------------
    async def _connect(self, port: Key):
        backends = self.table.get(port) or []
        start = self.next_index.get(port, 0)
        for i in range(len(backends)):
            ip, target = backends[(start + i) % len(backends)]
            try:
                streams = await asyncio.wait_for(asyncio.open_connection(ip, target),
                                                 CONNECT_TIMEOUT)
            except (TimeoutError, OSError) as exc:
                log.info("%s: %s:%d refused (%s); trying the next endpoint", _label(port),
                         ip, target, exc)
                continue
            self.next_index[port] = start + i + 1
            return streams
        self.next_index[port] = start + 1
        return None

    async def _serve(self, port: Key, reader: asyncio.StreamReader,
                     writer: asyncio.StreamWriter) -> None:
        upstream = await self._connect(port)
        if upstream is None:
            writer.close()  # no ready endpoint: the client sees the connection close
            return
        up_reader, up_writer = upstream
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            for w in (writer, up_writer):
                w.close()


def _label(key: Key) -> str:
    return f"nodePort {key}" if isinstance(key, int) else f"service {key}"


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until EOF, then half-close, so request/response protocols finish cleanly."""
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (OSError, RuntimeError):
        writer.close()


def run(relist_seconds: float = RELIST_SECONDS) -> None:
    """`manage.py proxy`: until SIGTERM or SIGINT."""
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        from cluster.kubelet import docker_settings

        network = docker_settings.load().network
        await Proxy(relist_seconds=relist_seconds).run(stop, network)
        log.info("kube-proxy stopped")
    asyncio.run(main())
