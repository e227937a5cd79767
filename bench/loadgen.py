"""Load generation for the benchmarks: keep-alive HTTP clients, open and closed loops.

Open loop: requests are due on a fixed schedule and latency counts from the due
time, so a slow server cannot hide its queueing (no coordinated omission).
Closed loop: each client sends its next request as soon as the last one returns.
"""
from __future__ import annotations

import http.client
import json
import queue
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse


class Client:
    """One keep-alive connection with the bearer token set."""

    def __init__(self, url: str, token: str) -> None:
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(body).encode()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, op: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.setdefault(op, []).append(seconds)
            if not ok:
                self.errors[op] = self.errors.get(op, 0) + 1


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": percentile(values, 50) * 1000,
            "p99_ms": percentile(values, 99) * 1000, "max_ms": max(values) * 1000,
            "mean_ms": statistics.fmean(values) * 1000}


Op = Callable[[Client, int], tuple[str, bool]]


def open_loop(url: str, token: str, rate: float, seconds: float, clients: int,
              choose: Callable[[int], Op]) -> Samples:
    """Send `rate` requests/s for `seconds` over `clients` connections."""
    samples = Samples()
    due: queue.Queue = queue.Queue()
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2

    def worker() -> None:
        client = Client(url, token)
        while True:
            item = due.get()
            if item is None:
                return
            i, at = item
            delay = at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            op_name, ok = choose(i)(client, i)
            samples.add(op_name, time.perf_counter() - at, ok)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    # Hand out work on schedule: a request is due at start + i / rate whether or not
    # a client is free, so queueing shows up in the latency.
    for i in range(total):
        at = start + i / rate
        wait = at - time.perf_counter() - 0.002
        if wait > 0:
            time.sleep(wait)
        due.put((i, at))
    for _ in threads:
        due.put(None)
    for t in threads:
        t.join()
    return samples


def closed_loop(url: str, token: str, seconds: float, clients: int, op: Op) -> tuple[float, int]:
    """(successful requests per second, errors) with `clients` back-to-back clients."""
    stop = time.perf_counter() + seconds
    counts = [0] * clients
    errors = [0] * clients

    def worker(n: int) -> None:
        client = Client(url, token)
        i = n * 10_000_000
        while time.perf_counter() < stop:
            _, ok = op(client, i)
            i += 1
            if ok:
                counts[n] += 1
            else:
                errors[n] += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - began), sum(errors)
