"""The steady churn a chaos run keeps up while processes are killed, and its ledger.

Writers each own their ConfigMaps, so every object has one writer and a sequential
history: the ledger knows, for every object, the last write the server acknowledged (2xx)
and whether a later write's outcome is unknown (no answer: it may or may not have been
applied). After the run, the store must hold an acknowledged value or one of the
unknown ones after it — anything else is a lost or invented write.

A scaler moves a few Deployments between replica counts; the last acknowledged count is
what each must converge to.
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

import requests

DEP = "/apis/apps/v1/namespaces/{ns}/deployments"
CM = "/api/v1/namespaces/{ns}/configmaps"


@dataclass
class Entry:
    """One ConfigMap's history as its writer saw it."""

    acked: str | None = None  # last value the server confirmed; "" = confirmed deleted
    unknown: list[str] = field(default_factory=list)  # values sent since, without answer


@dataclass
class Ledger:
    objects: dict[str, Entry] = field(default_factory=dict)
    replicas: dict[str, int] = field(default_factory=dict)  # Deployment -> acked count
    ok: int = 0
    failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, name: str, value: str, acked: bool) -> None:
        with self.lock:
            entry = self.objects.setdefault(name, Entry())
            if acked:
                entry.acked, entry.unknown = value, []
                self.ok += 1
            else:
                entry.unknown.append(value)
                self.failed += 1


class Client:
    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict | None = None,
             patch: bool = False) -> tuple[int, dict]:
        """(status, body); status 0 when there was no answer (refused, reset, timeout).
        The timeout is long so that an unanswered write cannot still land after a
        later acknowledged one (which the ledger would report as lost)."""
        headers = {"Content-Type": "application/merge-patch+json" if patch
                   else "application/json"}
        try:
            r = self.http.request(method, self.url + path, json=body, headers=headers,
                                  timeout=30)
        except requests.RequestException:
            return 0, {}
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, {}


class Churn:
    """`writers` threads of ConfigMap create/update/delete, plus one Deployment scaler."""

    def __init__(self, url: str, token: str, namespace: str, writers: int,
                 deployments: list[str], rate: float) -> None:
        self.url, self.token, self.ns = url, token, namespace
        self.ledger = Ledger()
        self.stop = threading.Event()
        self.deployments = deployments
        self.interval = writers / rate  # each writer's pause between writes
        self.threads = [threading.Thread(target=self._writer, args=(i,), daemon=True)
                        for i in range(writers)]
        self.threads.append(threading.Thread(target=self._scaler, daemon=True))

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)

    def _writer(self, index: int) -> None:
        client, rng = Client(self.url, self.token), random.Random(index)
        live: list[str] = []
        n = 0
        while not self.stop.is_set():
            started = time.monotonic()
            choice = rng.random()
            if not live or choice < 0.35:
                n += 1
                name = f"w{index}-{n}"
                value = "v0"
                status, _ = client.call("POST", CM.format(ns=self.ns), {
                    "metadata": {"name": name}, "data": {"v": value}})
                self.ledger.note(name, value, 200 <= status < 300)
                if status != 409:  # 409: an earlier unanswered create did land
                    live.append(name)
            elif choice < 0.85:
                name = rng.choice(live)
                value = f"v{n}-{rng.randrange(10**6)}"
                status, _ = client.call("PATCH", f"{CM.format(ns=self.ns)}/{name}",
                                        {"data": {"v": value}}, patch=True)
                if status != 404:  # its create was never applied: nothing to check
                    self.ledger.note(name, value, 200 <= status < 300)
            else:
                name = live.pop(rng.randrange(len(live)))
                status, _ = client.call("DELETE", f"{CM.format(ns=self.ns)}/{name}")
                self.ledger.note(name, "", 200 <= status < 300 or status == 404)
            self.stop.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def _scaler(self) -> None:
        client, rng = Client(self.url, self.token), random.Random(99)
        while not self.stop.wait(1.5):
            name = rng.choice(self.deployments)
            replicas = rng.randint(1, 6)
            status, _ = client.call("PATCH", f"{DEP.format(ns=self.ns)}/{name}",
                                    {"spec": {"replicas": replicas}}, patch=True)
            if 200 <= status < 300:
                with self.ledger.lock:
                    self.ledger.replicas[name] = replicas
            elif status == 0:
                # Unknown: the scale may have landed. Settle it once the API answers.
                self._settle(client, name, replicas)

    def _settle(self, client: Client, name: str, replicas: int) -> None:
        while not self.stop.is_set():
            status, _ = client.call("PATCH", f"{DEP.format(ns=self.ns)}/{name}",
                                    {"spec": {"replicas": replicas}}, patch=True)
            if 200 <= status < 300:
                with self.ledger.lock:
                    self.ledger.replicas[name] = replicas
                return
            self.stop.wait(0.5)


def lost_writes(ledger: Ledger, stored: dict[str, str]) -> list[str]:
    """Objects whose stored state matches neither their last acknowledged write nor a
    later unanswered one. `stored`: name -> data.v, for the ConfigMaps that exist."""
    problems = []
    for name, entry in ledger.objects.items():
        have = stored.get(name, "")  # "" = absent
        allowed = {entry.acked} | set(entry.unknown) if entry.acked is not None \
            else {""} | set(entry.unknown)
        if have not in allowed:
            problems.append(f"{name}: stored {have or '(absent)'!r}, acknowledged "
                            f"{entry.acked or '(absent)'!r}, unanswered {entry.unknown}")
    return problems
