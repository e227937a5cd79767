"""A simulated pod's containers as a function of time (pure: the caller passes the clock).

`SimPod.advance(now)` moves each container through ContainerCreating → Running
(→ Ready after its readiness delay) → exited (when the pod asks for a crash) →
CrashLoopBackOff → Running again, as its restartPolicy says, and returns when
something next happens. `views()` describes the containers for `pod_status`.
Times are epoch seconds; a writer that falls behind simply writes the latest state
(intermediate ones are skipped, as a real kubelet's status manager does).

Per-pod crash simulation, by annotation:
  kubelab.io/simulate-exit-after: seconds each run lasts before the container exits
  kubelab.io/simulate-exit-code:  its exit code (default 1; 0 = completes)
"""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cluster.kubelet.pod_status import RUNNING, TERMINATED, WAITING, ContainerView
from cluster.objects import parse_time

EXIT_AFTER = "kubelab.io/simulate-exit-after"
EXIT_CODE = "kubelab.io/simulate-exit-code"
NEVER = float("inf")


def rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(text: str, default: float) -> float:
    dt = parse_time(text) if text else None
    return dt.timestamp() if dt else default


def _float(value, default: float | None) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class SimContainer:
    __slots__ = ("name", "image", "state", "reason", "created_at", "started_at", "ready_at",
                 "exit_at", "exit_code", "finished_at", "restart_at", "restarts", "last",
                 "ready_delay")

    def __init__(self, name: str, image: str, created_at: float, ready_delay: float) -> None:
        self.name, self.image = name, image
        self.state, self.reason = WAITING, "ContainerCreating"
        self.created_at = created_at  # when it will be running
        self.started_at = self.ready_at = self.exit_at = self.restart_at = NEVER
        self.finished_at = NEVER
        self.exit_code = 0
        self.restarts = 0
        self.last: dict = {}
        self.ready_delay = ready_delay


class SimPod:
    """What the simulator keeps per pod (a few hundred bytes; 30,000 of them fit easily)."""

    __slots__ = ("namespace", "name", "uid", "node", "restart_policy", "containers",
                 "pod_ip", "start_time", "exit_after", "exit_code", "delete_at", "written",
                 "backoff")

    def __init__(self, namespace: str, name: str, uid: str, node: str) -> None:
        self.namespace, self.name, self.uid, self.node = namespace, name, uid, node
        self.restart_policy = "Always"
        self.containers: list[SimContainer] = []
        self.pod_ip = ""
        self.start_time = ""
        self.exit_after: float | None = None
        self.exit_code = 1
        self.delete_at = NEVER
        self.written: tuple = ()  # signature of the last status written
        self.backoff = (1.0, 30.0)

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)

    # --- building ------------------------------------------------------------
    @classmethod
    def from_pod(cls, pod: dict, now: float, creating: float, probe_scale: float,
                 backoff: tuple[float, float]) -> SimPod:
        """A pod as the simulator first sees it; an already-started one keeps its state."""
        m, spec = pod["metadata"], pod.get("spec") or {}
        sim = cls(m.get("namespace", ""), m["name"], m["uid"], spec.get("nodeName", ""))
        sim.restart_policy = spec.get("restartPolicy") or "Always"
        sim.backoff = backoff
        notes = m.get("annotations") or {}
        sim.exit_after = _float(notes.get(EXIT_AFTER), None)
        sim.exit_code = int(_float(notes.get(EXIT_CODE), 1) or 0)
        status = pod.get("status") or {}
        sim.pod_ip = status.get("podIP", "")
        sim.start_time = status.get("startTime", "") or rfc3339(now)
        known = {cs.get("name"): cs for cs in status.get("containerStatuses") or []}
        for c in spec.get("containers") or []:
            probe = c.get("readinessProbe") or {}
            delay = float(probe.get("initialDelaySeconds") or 0) * probe_scale if probe else 0.0
            sc = SimContainer(c.get("name", ""), c.get("image", ""), now + creating, delay)
            if c.get("name") in known:
                sim._resume(sc, known[c["name"]], now)
            else:
                sc.restart_at = sc.created_at
            sim.containers.append(sc)
        return sim

    def _resume(self, sc: SimContainer, cs: dict, now: float) -> None:
        """Adopt a container from its stored status (after a simulator restart)."""
        state = cs.get("state") or {}
        sc.restarts = int(cs.get("restartCount") or 0)
        sc.last = dict(cs.get("lastState") or {})
        if "running" in state:
            sc.state, sc.reason = RUNNING, ""
            sc.started_at = _epoch(state["running"].get("startedAt", ""), now)
            sc.ready_at = sc.started_at if cs.get("ready") else max(
                now, sc.started_at + sc.ready_delay)
            sc.exit_at = self._exit_time(sc.started_at)
        elif "terminated" in state:
            t = state["terminated"]
            sc.state, sc.reason = TERMINATED, t.get("reason", "")
            sc.exit_code = int(t.get("exitCode") or 0)
            sc.started_at = _epoch(t.get("startedAt", ""), now)
            sc.finished_at = _epoch(t.get("finishedAt", ""), now)
            sc.restart_at = self._restart_time(sc, now)
        else:
            sc.reason = (state.get("waiting") or {}).get("reason", "ContainerCreating")
            sc.restart_at = sc.created_at if sc.reason == "ContainerCreating" else \
                now + self._backoff_delay(sc.restarts)

    # --- time ----------------------------------------------------------------
    def _exit_time(self, started: float) -> float:
        return NEVER if self.exit_after is None else started + max(0.0, self.exit_after)

    def _backoff_delay(self, restarts: int) -> float:
        base, cap = self.backoff
        return min(cap, base * (2 ** max(0, restarts - 1)))

    def _restart_time(self, sc: SimContainer, finished: float) -> float:
        policy = self.restart_policy
        if policy == "Never" or (policy == "OnFailure" and sc.exit_code == 0):
            return NEVER
        return finished + self._backoff_delay(sc.restarts + 1)

    def _start(self, sc: SimContainer, at: float) -> None:
        sc.state, sc.reason = RUNNING, ""
        sc.started_at = at
        sc.ready_at = at + sc.ready_delay
        sc.exit_at = self._exit_time(at)
        sc.restart_at = NEVER

    def _exit(self, sc: SimContainer) -> None:
        at = sc.exit_at
        sc.state, sc.exit_code, sc.finished_at = TERMINATED, self.exit_code, at
        sc.reason = "Completed" if self.exit_code == 0 else "Error"
        sc.ready_at = sc.exit_at = NEVER
        sc.restart_at = self._restart_time(sc, at)
        if sc.restart_at != NEVER:  # it will run again: now it waits in back-off
            sc.last = {"terminated": {"exitCode": sc.exit_code, "reason": sc.reason,
                                      "startedAt": rfc3339(sc.started_at),
                                      "finishedAt": rfc3339(at),
                                      "containerID": self.container_id(sc)}}
            sc.restarts += 1
            sc.state, sc.reason = WAITING, "CrashLoopBackOff"

    def advance(self, now: float) -> float:
        """Apply everything due by `now`; return when the next change is due."""
        nxt = self.delete_at
        for sc in self.containers:
            for _ in range(64):  # a few transitions at most; bounded if times are odd
                if sc.state == WAITING and sc.restart_at <= now:
                    self._start(sc, max(sc.restart_at, sc.created_at))
                elif sc.state == RUNNING and sc.exit_at <= now:
                    self._exit(sc)
                else:
                    break
            for t in (sc.restart_at, sc.exit_at, sc.ready_at):
                if now < t < nxt:
                    nxt = t
        return nxt

    # --- describing ----------------------------------------------------------
    def container_id(self, sc: SimContainer) -> str:
        digest = hashlib.sha1(f"{self.uid}/{sc.name}/{sc.restarts}".encode()).hexdigest()
        return f"simulated://{digest[:16]}"

    def views(self, now: float) -> list[ContainerView]:
        out = []
        for sc in self.containers:
            view = ContainerView(name=sc.name, image=sc.image, state=sc.state,
                                 reason=sc.reason, restart_count=sc.restarts,
                                 last_state=sc.last,
                                 image_id=f"simulated://{sc.image}" if sc.image else "")
            if sc.state == RUNNING:
                view.started_at = rfc3339(sc.started_at)
                view.ready = now >= sc.ready_at
                view.container_id = self.container_id(sc)
            elif sc.state == TERMINATED:
                view.exit_code = sc.exit_code
                view.started_at, view.finished_at = rfc3339(sc.started_at), rfc3339(
                    sc.finished_at)
                view.container_id = self.container_id(sc)
            elif sc.restarts:
                view.message = (f"back-off {self._backoff_delay(sc.restarts):g}s restarting "
                                f"failed container={sc.name} pod={self.name}")
            out.append(view)
        return out

    def signature(self, now: float) -> tuple:
        """What a status write would show; equal signatures mean nothing to write."""
        return tuple((sc.state, sc.reason, sc.restarts, sc.state == RUNNING and now >=
                      sc.ready_at) for sc in self.containers)
