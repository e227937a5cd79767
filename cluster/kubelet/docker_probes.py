"""Liveness, readiness and startup probes of a node's running containers.

Kubernetes' timing fields are honoured: initialDelaySeconds, periodSeconds,
timeoutSeconds, successThreshold, failureThreshold. Until the startup probe has
succeeded, the other two do not run. A readiness change asks for a pod sync (so
status and then Endpoints follow); a liveness failure kills the container, and
the restart then follows the pod's restartPolicy like any other death.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("kubelab.kubelet.probes")

KINDS = ("startupProbe", "livenessProbe", "readinessProbe")


@dataclass
class ProbeState:
    spec: dict
    next_at: float
    successes: int = 0
    failures: int = 0
    ok: bool = False


@dataclass
class Watched:
    namespace: str
    pod: str
    container: str
    pod_ip: str
    ports: dict[str, int]
    probes: dict[str, ProbeState] = field(default_factory=dict)


def _port(value, ports: dict[str, int]) -> int:
    return ports.get(value, 0) if isinstance(value, str) and not value.isdigit() else int(value)


def run_probe(client, cid: str, spec: dict, pod_ip: str, ports: dict[str, int]) -> bool:
    """One probe attempt; True on success."""
    timeout = float(spec.get("timeoutSeconds") or 1)
    try:
        if "exec" in spec:
            exec_id = client.api.exec_create(cid, spec["exec"].get("command") or ["true"])
            client.api.exec_start(exec_id)
            return client.api.exec_inspect(exec_id).get("ExitCode") == 0
        if "httpGet" in spec:
            get = spec["httpGet"]
            url = (f"http://{get.get('host') or pod_ip}:{_port(get.get('port', 80), ports)}"
                   f"{get.get('path') or '/'}")
            with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310
                return 200 <= resp.status < 400
        if "tcpSocket" in spec:
            port = _port(spec["tcpSocket"].get("port", 0), ports)
            with socket.create_connection((pod_ip, port), timeout=timeout):
                return True
    except Exception:  # noqa: BLE001  (any failure of the check is a probe failure)
        return False
    return True


class Prober:
    """Runs probes for watched containers on one thread; results by container id."""

    def __init__(self, client, on_ready_change: Callable[[str, str], None],
                 on_liveness_failure: Callable[[str, Watched, str], None]) -> None:
        self.client = client
        self.on_ready_change = on_ready_change
        self.on_liveness_failure = on_liveness_failure
        self._watched: dict[str, Watched] = {}
        self._lock = threading.Lock()

    def watch(self, cid: str, namespace: str, pod: str, cspec: dict, pod_ip: str) -> None:
        with self._lock:
            if cid in self._watched:
                return
            now = time.monotonic()
            probes = {kind: ProbeState(cspec[kind], now + float(
                cspec[kind].get("initialDelaySeconds") or 0)) for kind in KINDS if cspec.get(kind)}
            if not probes:
                return
            ports = {p["name"]: int(p["containerPort"]) for p in cspec.get("ports") or []
                     if p.get("name")}
            self._watched[cid] = Watched(namespace, pod, cspec["name"], pod_ip, ports, probes)

    def forget(self, cid: str) -> None:
        with self._lock:
            self._watched.pop(cid, None)

    def ready(self, cid: str, name: str = "") -> bool | None:
        """None: no readiness probe (ready when running); else the last verdict."""
        w = self._watched.get(cid)
        if w is None or "readinessProbe" not in w.probes:
            return None
        started = w.probes.get("startupProbe")
        return w.probes["readinessProbe"].ok and (started is None or started.ok)

    def tick(self) -> None:
        now = time.monotonic()
        with self._lock:
            items = list(self._watched.items())
        for cid, w in items:
            startup = w.probes.get("startupProbe")
            for kind, st in w.probes.items():
                if now < st.next_at or (kind != "startupProbe" and startup and not startup.ok):
                    continue
                if kind == "startupProbe" and st.ok:
                    continue
                st.next_at = now + float(st.spec.get("periodSeconds") or 10)
                self._record(cid, w, kind, st,
                             run_probe(self.client, cid, st.spec, w.pod_ip, w.ports))

    def _record(self, cid: str, w: Watched, kind: str, st: ProbeState, passed: bool) -> None:
        was = st.ok
        if passed:
            st.successes, st.failures = st.successes + 1, 0
            if st.successes >= int(st.spec.get("successThreshold") or 1):
                st.ok = True
        else:
            st.failures, st.successes = st.failures + 1, 0
            if st.failures >= int(st.spec.get("failureThreshold") or 3):
                st.ok = False
                if kind in ("livenessProbe", "startupProbe"):
                    self.forget(cid)
                    self.on_liveness_failure(cid, w, kind)
                    return
        if kind != "livenessProbe" and st.ok != was:
            self.on_ready_change(w.namespace, w.pod)

    def loop(self, stop: threading.Event, every: float = 0.2,
             paused: Callable[[], bool] | None = None) -> None:
        """Probe until `stop`; skip rounds while `paused()` (a node killed on request
        must not "restart" its frozen containers for failing their liveness probes)."""
        while not stop.wait(every):
            if paused is not None and paused():
                continue
            try:
                self.tick()
            except Exception:  # noqa: BLE001
                log.exception("probe round failed")
