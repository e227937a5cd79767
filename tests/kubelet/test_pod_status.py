"""Pod status built from container descriptions (pure: no server)."""
from __future__ import annotations

from cluster.kubelet.pod_status import (
    RUNNING,
    TERMINATED,
    WAITING,
    ContainerView,
    pod_phase,
    pod_status,
    views_from_status,
)

T0, T1 = "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z"


def _pod(restart_policy: str = "Always", status: dict | None = None) -> dict:
    return {"metadata": {"name": "p", "namespace": "default", "uid": "u"},
            "spec": {"restartPolicy": restart_policy, "nodeName": "node-1",
                     "containers": [{"name": "app", "image": "img"}]},
            "status": status or {"phase": "Pending", "qosClass": "BestEffort"}}


def _conditions(status: dict) -> dict:
    return {c["type"]: c for c in status["conditions"]}


def test_a_creating_container_makes_a_pending_unready_pod() -> None:
    status = pod_status(_pod(), [ContainerView("app", "img")], now=T0, host_ip="172.16.0.1",
                        pod_ip="10.0.0.2", start_time=T0)
    assert status["phase"] == "Pending"
    cs = status["containerStatuses"][0]
    assert cs["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert cs["restartCount"] == 0 and cs["imageID"] == "" and cs["ready"] is False
    conds = _conditions(status)
    assert conds["Ready"]["status"] == "False"
    assert conds["Ready"]["reason"] == "ContainersNotReady"
    assert conds["PodScheduled"]["status"] == "True"
    assert status["qosClass"] == "BestEffort"
    assert status["podIPs"] == [{"ip": "10.0.0.2"}] and status["hostIP"] == "172.16.0.1"


def test_a_ready_running_container_makes_the_pod_ready_with_all_client_fields() -> None:
    view = ContainerView("app", "img", RUNNING, started_at=T0, ready=True,
                         container_id="simulated://1", image_id="sha256:1")
    status = pod_status(_pod(), [view], now=T0, start_time=T0)
    cs = status["containerStatuses"][0]
    assert status["phase"] == "Running"
    assert set(cs) >= {"name", "state", "lastState", "ready", "started", "restartCount",
                       "image", "imageID", "containerID"}
    assert cs["state"] == {"running": {"startedAt": T0}} and cs["started"] is True
    assert _conditions(status)["Ready"]["status"] == "True"
    assert "reason" not in _conditions(status)["Ready"]


def test_transition_time_moves_only_when_a_condition_flips() -> None:
    first = pod_status(_pod(), [ContainerView("app", "img")], now=T0)
    pod = _pod(status=first)
    again = pod_status(pod, [ContainerView("app", "img")], now=T1)
    assert _conditions(again)["Ready"]["lastTransitionTime"] == T0
    ready = pod_status(pod, [ContainerView("app", "img", RUNNING, started_at=T1, ready=True)],
                       now=T1)
    assert _conditions(ready)["Ready"]["lastTransitionTime"] == T1
    assert _conditions(ready)["PodScheduled"]["lastTransitionTime"] == T0


def test_start_time_once_set_is_kept() -> None:
    first = pod_status(_pod(), [ContainerView("app", "img")], now=T0, start_time=T0)
    later = pod_status(_pod(status=first), [ContainerView("app", "img")], now=T1,
                       start_time=T1)
    assert later["startTime"] == T0


def test_phase_follows_restart_policy_once_containers_stop() -> None:
    ok = [ContainerView("a", "i", TERMINATED, exit_code=0)]
    bad = [ContainerView("a", "i", TERMINATED, exit_code=2)]
    assert pod_phase("Never", ok) == "Succeeded"
    assert pod_phase("Never", bad) == "Failed"
    assert pod_phase("OnFailure", ok) == "Succeeded"
    assert pod_phase("OnFailure", bad) == "Running"
    assert pod_phase("Always", ok) == "Running"


def test_a_container_in_crash_loop_back_off_keeps_the_pod_running() -> None:
    last = {"terminated": {"exitCode": 1, "reason": "Error"}}
    view = ContainerView("a", "i", WAITING, reason="CrashLoopBackOff", restart_count=3,
                         last_state=last)
    assert pod_phase("Always", [view]) == "Running"
    assert pod_phase("Always", [ContainerView("a", "i")]) == "Pending"
    cs = pod_status(_pod(), [view], now=T0)["containerStatuses"][0]
    assert cs["lastState"] == last and cs["restartCount"] == 3
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"


def test_a_completed_pod_is_not_ready_with_reason_pod_completed() -> None:
    status = pod_status(_pod("Never"), [ContainerView("app", "img", TERMINATED, exit_code=0,
                                                      started_at=T0, finished_at=T1)], now=T1)
    assert status["phase"] == "Succeeded"
    ready = _conditions(status)["Ready"]
    assert ready["status"] == "False" and ready["reason"] == "PodCompleted"
    term = status["containerStatuses"][0]["state"]["terminated"]
    assert term["reason"] == "Completed" and term["finishedAt"] == T1


def test_views_rebuilt_from_a_stored_status_give_the_same_status() -> None:
    view = ContainerView("app", "img", RUNNING, started_at=T0, ready=True, restart_count=2,
                         container_id="c", image_id="i")
    status = pod_status(_pod(), [view], now=T0)
    rebuilt = views_from_status(_pod(status=status))
    assert pod_status(_pod(status=status), rebuilt, now=T1) == status
