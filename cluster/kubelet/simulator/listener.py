"""The store's Redis events channel, filtered down to pods on this simulator's nodes.

A thread subscribes and hands matching events to the engine through a queue; it
parses JSON only for pods on our nodes (a substring check rejects the rest, which
matters when thousands of other objects change every second). A jump in revisions
means messages were lost: the engine is told to re-list, as informers resync.
"""
from __future__ import annotations

import json
import logging
import queue
import threading

import redis
from django.conf import settings

log = logging.getLogger(__name__)
NODE_FIELD = '"nodeName":"'


class PodEvent:
    __slots__ = ("type", "obj")

    def __init__(self, event_type: str, obj: dict) -> None:
        self.type, self.obj = event_type, obj


RESYNC = PodEvent("RESYNC", {})  # sentinel: the stream had a gap


def node_of(message: str) -> str | None:
    """spec.nodeName of a Pod event message, without parsing it (None: not a bound pod)."""
    head = message[:400]
    if '"kind":"Pod"' not in head:
        return None
    at = message.find(NODE_FIELD)
    if at < 0:
        return None
    start = at + len(NODE_FIELD)
    end = message.find('"', start)
    return message[start:end] if end > 0 else None


class Listener(threading.Thread):
    def __init__(self, nodes: set[str], out: queue.SimpleQueue) -> None:
        super().__init__(name="simulator-events", daemon=True)
        self.nodes = frozenset(nodes)
        self.out = out
        self.stopping = threading.Event()
        self.subscribed = threading.Event()
        self.last_rev = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._listen()
            except redis.RedisError as exc:
                log.warning("events channel lost (%s); re-subscribing", exc)
                self.out.put(RESYNC)
                self.stopping.wait(1.0)

    def _listen(self) -> None:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5,
                                      socket_connect_timeout=2)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(settings.EVENTS_CHANNEL)
        self.subscribed.set()
        try:
            while not self.stopping.is_set():
                msg = pubsub.get_message(timeout=0.5)
                if msg and msg.get("type") == "message":
                    self._handle(msg["data"].decode() if isinstance(msg["data"], bytes)
                                 else msg["data"])
        finally:
            pubsub.close()
            client.close()

    def _handle(self, message: str) -> None:
        self._check_gap(message)
        node = node_of(message)
        if node is None or node not in self.nodes:
            return
        try:
            event = json.loads(message)
        except ValueError:
            return
        self.out.put(PodEvent(event.get("type", ""), event.get("object") or {}))

    def _check_gap(self, message: str) -> None:
        # Messages start with {"rev":N,... (see cluster.store._record).
        try:
            rev = int(message[7:message.index(",", 7)])
        except ValueError:
            return
        if self.last_rev and rev > self.last_rev + 1:
            self.out.put(RESYNC)
        self.last_rev = max(self.last_rev, rev)
