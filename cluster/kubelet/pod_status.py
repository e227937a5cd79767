"""Kubernetes pod status built from a simple description of each container.

Pure functions (no store, no clock unless given): the Docker kubelet and the node
simulator both describe their containers as `ContainerView`s and let this module
write the status Kubernetes clients expect — phase, the four conditions with
stable lastTransitionTimes, containerStatuses with every field the official client
insists on (imageID, restartCount), podIP(s), hostIP, startTime, and the qosClass
the API server set.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WAITING, RUNNING, TERMINATED = "waiting", "running", "terminated"
CONDITION_ORDER = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                   "PodScheduled")


@dataclass
class ContainerView:
    """One container as its runtime sees it; `state` is waiting, running or terminated."""

    name: str
    image: str
    state: str = WAITING
    reason: str = ""  # ContainerCreating, CrashLoopBackOff (waiting); Completed, Error
    message: str = ""
    exit_code: int = 0
    signal: int = 0
    started_at: str = ""
    finished_at: str = ""
    ready: bool = False
    started: bool | None = None  # None: derived (running means started)
    restart_count: int = 0
    container_id: str = ""
    image_id: str = ""
    last_state: dict = field(default_factory=dict)  # a Kubernetes ContainerState dict


def waiting_state(reason: str, message: str = "") -> dict:
    state: dict = {"reason": reason}
    if message:
        state["message"] = message
    return {"waiting": state}


def running_state(started_at: str) -> dict:
    return {"running": {"startedAt": started_at}}


def terminated_state(exit_code: int, reason: str = "", started_at: str = "",
                     finished_at: str = "", container_id: str = "", message: str = "",
                     signal: int = 0) -> dict:
    state: dict = {"exitCode": int(exit_code),
                   "reason": reason or ("Completed" if exit_code == 0 else "Error")}
    for key, value in (("message", message), ("startedAt", started_at),
                       ("finishedAt", finished_at), ("containerID", container_id)):
        if value:
            state[key] = value
    if signal:
        state["signal"] = signal
    return {"terminated": state}


def container_state(view: ContainerView) -> dict:
    if view.state == RUNNING:
        return running_state(view.started_at)
    if view.state == TERMINATED:
        return terminated_state(view.exit_code, view.reason, view.started_at,
                                view.finished_at, view.container_id, view.message,
                                view.signal)
    return waiting_state(view.reason or "ContainerCreating", view.message)


def container_status(view: ContainerView) -> dict:
    """One entry of status.containerStatuses."""
    started = view.state == RUNNING if view.started is None else view.started
    status = {
        "name": view.name,
        "state": container_state(view),
        "lastState": dict(view.last_state),
        "ready": bool(view.ready and view.state == RUNNING),
        "started": bool(started),
        "restartCount": int(view.restart_count),
        "image": view.image,
        "imageID": view.image_id,
    }
    if view.container_id:
        status["containerID"] = view.container_id
    return status


def _stopped_exit(view: ContainerView) -> int | None:
    """Exit code of a container that has stopped (now or before a pending restart)."""
    if view.state == TERMINATED:
        return view.exit_code
    last = view.last_state.get("terminated") if view.state == WAITING else None
    return int(last.get("exitCode", 0)) if isinstance(last, dict) else None


def pod_phase(restart_policy: str, views: Sequence[ContainerView]) -> str:
    """Pending, Running, Succeeded or Failed, by Kubernetes' rules for regular containers."""
    if not views:
        return "Pending"
    running = pending = succeeded = failed = 0
    for view in views:
        if view.state == RUNNING:
            running += 1
            continue
        code = _stopped_exit(view)
        if code is None:
            pending += 1  # waiting and never ran: still being created
        elif code == 0:
            succeeded += 1
        else:
            failed += 1
    if pending:
        return "Pending"
    if running:
        return "Running"
    # Every container has stopped: the restart policy decides whether that is final.
    if restart_policy == "Always":
        return "Running"
    if failed == 0:
        return "Succeeded"
    return "Failed" if restart_policy == "Never" else "Running"


def set_condition(conditions: list[dict], ctype: str, value: bool, now: str,
                  reason: str = "", message: str = "") -> None:
    """Set a condition in place; lastTransitionTime moves only when the status flips."""
    text = "True" if value else "False"
    for cond in conditions:
        if cond.get("type") == ctype:
            if cond.get("status") != text:
                cond["lastTransitionTime"] = now
            cond["status"] = text
            break
    else:
        cond = {"type": ctype, "status": text, "lastProbeTime": None, "lastTransitionTime": now}
        conditions.append(cond)
    for key, val in (("reason", reason), ("message", message)):
        if val:
            cond[key] = val
        else:
            cond.pop(key, None)


def _unready_message(names: list[str]) -> str:
    return f"containers with unready status: [{' '.join(names)}]"


def pod_status(pod: dict, views: Sequence[ContainerView], *, now: str, host_ip: str = "",
               pod_ip: str = "", start_time: str = "", initialized: bool = True,
               sandbox_ready: bool = True) -> dict:
    """The whole status for `pod` given its containers, keeping what should be kept
    (qosClass, existing condition transition times, startTime once set)."""
    spec = pod.get("spec") or {}
    old = pod.get("status") or {}
    phase = pod_phase(spec.get("restartPolicy", "Always"), views)
    conditions = [dict(c) for c in old.get("conditions") or [] if isinstance(c, dict)]
    unready = [v.name for v in views if not (v.ready and v.state == RUNNING)]
    terminal = phase in ("Succeeded", "Failed")
    ready = not unready and not terminal and bool(views)
    ready_reason = "PodCompleted" if terminal else ("" if ready else "ContainersNotReady")
    ready_message = "" if ready or terminal else _unready_message(unready)
    set_condition(conditions, "PodReadyToStartContainers", sandbox_ready and not terminal, now)
    set_condition(conditions, "Initialized", initialized, now,
                  "PodCompleted" if terminal and initialized else "")
    set_condition(conditions, "Ready", ready, now, ready_reason, ready_message)
    set_condition(conditions, "ContainersReady", ready, now, ready_reason, ready_message)
    set_condition(conditions, "PodScheduled", True, now)
    conditions.sort(key=lambda c: CONDITION_ORDER.index(c["type"])
                    if c.get("type") in CONDITION_ORDER else len(CONDITION_ORDER))
    status: dict = {"phase": phase, "conditions": conditions,
                    "containerStatuses": [container_status(v) for v in views]}
    if host_ip:
        status.update(hostIP=host_ip, hostIPs=[{"ip": host_ip}])
    if pod_ip:
        status.update(podIP=pod_ip, podIPs=[{"ip": pod_ip}])
    start = old.get("startTime") or start_time
    if start:
        status["startTime"] = start
    if old.get("qosClass"):
        status["qosClass"] = old["qosClass"]
    for key in ("nominatedNodeName", "message", "reason"):
        if key in old and not terminal:
            status[key] = old[key]
    return status


def views_from_status(pod: dict) -> list[ContainerView]:
    """Rebuild ContainerViews from a stored pod status (to adopt a pod after a restart)."""
    spec_images = {c.get("name"): c.get("image", "") for c in
                   (pod.get("spec") or {}).get("containers") or []}
    views = []
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        state = cs.get("state") or {}
        kind = next(iter(state), WAITING)
        detail = state.get(kind) or {}
        views.append(ContainerView(
            name=cs.get("name", ""), image=cs.get("image") or spec_images.get(cs.get("name"), ""),
            state=kind, reason=detail.get("reason", ""), message=detail.get("message", ""),
            exit_code=int(detail.get("exitCode", 0) or 0),
            started_at=detail.get("startedAt", ""), finished_at=detail.get("finishedAt", ""),
            ready=bool(cs.get("ready")), started=cs.get("started"),
            restart_count=int(cs.get("restartCount", 0) or 0),
            container_id=cs.get("containerID", ""), image_id=cs.get("imageID", ""),
            last_state=dict(cs.get("lastState") or {})))
    return views
