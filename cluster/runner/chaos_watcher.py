"""A dashboard connected through the chaos, checked against the store afterwards.

It speaks the dashboard socket the way the browser does (static/dashboard/socket.js and
state.js): log in through the form, take the snapshot (in parts when large), apply the
deltas whose revision is newer than the last applied, and after a drop reconnect with
`?rv=<last applied>` so the server replays what was missed or sends a fresh snapshot.
The check afterwards compares what it holds with what the API lists, at the list's
revision: kubelab's promise is that a dashboard open during crashes of the web server
and Redis ends up showing the store, without a reload.
"""
from __future__ import annotations

import json
import threading
import time

import requests
import websocket

from cluster.runner.dashboard_login import login_cookie

# Kinds the dashboard shows that the chaos changes (in its own namespace).
CHECKED_KINDS = {"Pod": "/api/v1/namespaces/{ns}/pods",
                 "ReplicaSet": "/apis/apps/v1/namespaces/{ns}/replicasets",
                 "Deployment": "/apis/apps/v1/namespaces/{ns}/deployments"}


class DashboardWatcher(threading.Thread):
    def __init__(self, url: str, token: str) -> None:
        super().__init__(name="chaos-dashboard", daemon=True)
        self.url, self.token = url, token
        self.rv = 0
        self.objects: dict[tuple[str, str, str], dict] = {}
        self.deleted_at: dict[tuple[str, str, str], int] = {}  # tombstones, for the check
        self.reconnects = 0
        self._stop_event = threading.Event()
        self._lock = threading.Lock()

    # --- the browser's side ------------------------------------------------
    def run(self) -> None:
        cookie = ""
        while not self._stop_event.is_set():
            try:
                cookie = cookie or login_cookie(self.url, self.token)
                self._session(cookie)
            except (OSError, ValueError, websocket.WebSocketException,
                    requests.RequestException, RuntimeError):
                pass  # the server is down for a moment: try again, as the page does
            if self._stop_event.wait(0.5):
                return
            self.reconnects += 1

    def _session(self, cookie: str) -> None:
        ws_url = self.url.replace("http://", "ws://") + "/ws/cluster" + \
            (f"?rv={self.rv}" if self.rv else "")
        ws = websocket.create_connection(ws_url, header=[f"Cookie: {cookie}"],
                                         origin=self.url, timeout=10)
        ws.settimeout(1.0)
        parts: dict | None = None
        try:
            while not self._stop_event.is_set():
                try:
                    raw = ws.recv()
                except websocket.WebSocketTimeoutException:
                    continue
                if not raw:
                    return  # the server closed the socket (a close frame reads as "")
                data = json.loads(raw)
                if data["type"] == "snapshot" and data.get("parts", 1) > 1:
                    parts = {"first": data, "left": data["parts"] - 1}
                elif data["type"] == "snapshot.part" and parts is not None:
                    parts["first"]["objects"].extend(data["objects"])
                    parts["left"] -= 1
                    if parts["left"] == 0:
                        self._snapshot(parts["first"])
                        parts = None
                elif data["type"] == "snapshot":
                    self._snapshot(data)
                elif data["type"] == "events":
                    self._apply(data["events"])
        finally:
            ws.close()

    def _snapshot(self, message: dict) -> None:
        with self._lock:
            self.objects = {_key(o["kind"], o): o for o in message["objects"]}
            self.deleted_at.clear()
            self.rv = int(message["rv"])

    def _apply(self, events: list[dict]) -> None:
        with self._lock:
            for ev in events:
                if ev["rev"] <= self.rv:
                    continue  # part of the snapshot, or replayed twice
                self.rv = ev["rev"]
                key = _key(ev["kind"], ev["object"])
                if ev["type"] == "DELETED":
                    self.objects.pop(key, None)
                    self.deleted_at[key] = ev["rev"]
                else:
                    self.objects[key] = ev["object"]

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=15)

    # --- the check -----------------------------------------------------------
    def disagreements(self, client, namespace: str, timeout: float) -> list[str]:
        """What this dashboard shows differently from the store, in `namespace`, once it
        has had `timeout` seconds to catch up. (Its revision is no measure of that: it
        only hears of the kinds it shows, and the store's newest change may be another.)"""
        deadline = time.monotonic() + timeout
        while True:
            problems = self._differences(client, namespace)
            if not problems or time.monotonic() > deadline:
                if problems:
                    problems.append(f"(the dashboard is at revision {self.rv} after "
                                    f"{self.reconnects} reconnects)")
                return problems
            time.sleep(0.5)

    def _differences(self, client, namespace: str) -> list[str]:
        problems: list[str] = []
        for kind, path in CHECKED_KINDS.items():
            status, listed = client.call("GET", path.format(ns=namespace))
            if status != 200:
                problems.append(f"list {kind}: {status}")
                continue
            at = int(listed["metadata"]["resourceVersion"])
            problems += self._compare(kind, namespace, listed["items"], at)
        return problems

    def _compare(self, kind: str, namespace: str, items: list[dict], at: int) -> list[str]:
        with self._lock:
            shown = {k: o for k, o in self.objects.items() if k[0] == kind and k[1] == namespace}
            deleted = dict(self.deleted_at)
        out = []
        for obj in items:
            key = _key(kind, obj)
            have = shown.pop(key, None)
            stored_rv = int(obj["metadata"]["resourceVersion"])
            if have is None:
                if deleted.get(key, 0) <= at:  # not deleted since the list was read
                    out.append(f"{kind} {key[2]} is in the store but not on the dashboard")
                continue
            shown_rv = int(have["metadata"]["resourceVersion"])
            if shown_rv != stored_rv and shown_rv <= at:
                out.append(f"{kind} {key[2]}: the dashboard shows resourceVersion "
                           f"{shown_rv}, the store {stored_rv}")
        for key, obj in shown.items():
            if int(obj["metadata"]["resourceVersion"]) <= at:  # not created since
                out.append(f"{kind} {key[2]} is on the dashboard but not in the store")
        return out


def _key(kind: str, obj: dict) -> tuple[str, str, str]:
    m = obj["metadata"]
    return kind, m.get("namespace", ""), m["name"]
