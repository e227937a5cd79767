"""One pod's sync on a Docker node: compare the pod with its containers, act, report.

Level-triggered and idempotent, like the kubelet's syncPod: it re-reads the pod,
lists the pod's containers by label, starts what is missing, restarts what died
(per restartPolicy, with CrashLoopBackOff), stops everything of a pod that is
being deleted, and writes the status built by `pod_status`. The caller runs one
sync per pod at a time (see `docker_queue.py`).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.utils import timezone as dj_tz

from cluster import recorder, store
from cluster.errors import ApiError, NotFound
from cluster.kubelet import cluster_ports
from cluster.kubelet import pod_status as ps
from cluster.kubelet.docker_probes import Prober
from cluster.kubelet.docker_runtime import (
    L_ATTEMPT,
    L_CONTAINER,
    L_NAME,
    L_NS,
    L_UID,
    PAUSE_NAME,
    DockerRuntime,
)
from cluster.kubelet.images import image_present, offline_images
from cluster.objects import format_time

log = logging.getLogger("kubelab.kubelet.pod")

Wake = Callable[[str, str, float], None]  # (namespace, name, delay seconds)


def docker_time(text: str) -> str:
    """Docker's nanosecond timestamps -> RFC 3339 seconds; "" for Docker's zero time."""
    if not text or text.startswith("0001-"):
        return ""
    return text.split(".")[0].rstrip("Z") + "Z"


def _epoch(text: str) -> float:
    stamp = docker_time(text)
    if not stamp:
        return 0.0
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


# How long after a SIGKILL exit Docker's late OOMKilled flag is still looked for.
OOM_FLAG_SETTLE_SECONDS = 5.0


def backoff_delay(restarts: int, initial: float, maximum: float) -> float:
    """The wait before restart number `restarts + 1`: none for the first restart, then
    `initial` doubling up to `maximum` (Kubernetes: 10 s doubling to 300 s)."""
    if restarts <= 0:
        return 0.0
    return min(initial * (2 ** (restarts - 1)), maximum)


def terminated_from(c) -> dict:
    st = c.attrs.get("State") or {}
    code = int(st.get("ExitCode") or 0)
    reason = "OOMKilled" if st.get("OOMKilled") else ("Completed" if code == 0 else "Error")
    return ps.terminated_state(code, reason, docker_time(st.get("StartedAt", "")),
                               docker_time(st.get("FinishedAt", "")), f"docker://{c.id}")


def _attempt(c) -> int:
    try:
        return int(c.labels.get(L_ATTEMPT, "0"))
    except ValueError:
        return 0


class PodSyncer:
    """Syncs pods bound to one node. `wake` asks for a later sync (backoffs)."""

    def __init__(self, runtime: DockerRuntime, host_ip: str, wake: Wake,
                 prober: Prober | None = None) -> None:
        self.rt = runtime
        self.node = runtime.node
        self.cfg = runtime.cfg
        self.host_ip = host_ip
        self.wake = wake
        self.prober = prober
        self.pull_failures: dict[tuple[str, str], int] = {}
        self._terminating: set[str] = set()
        self._lock = threading.Lock()

    # --- entry point -----------------------------------------------------
    def sync(self, namespace: str, name: str) -> None:
        try:
            pod = store.get("Pod", namespace, name)
        except NotFound:
            self.remove_stale(namespace, name, keep_uid="")
            return
        uid = pod["metadata"]["uid"]
        if (pod.get("spec") or {}).get("nodeName") != self.node:
            self.remove_stale(namespace, name, keep_uid="")
            return
        self.remove_stale(namespace, name, keep_uid=uid)  # an older pod of the same name
        if pod["metadata"].get("deletionTimestamp"):
            self.terminate(pod)
            return
        self.run(pod)

    def remove_stale(self, namespace: str, name: str, keep_uid: str) -> None:
        for c in self.rt.containers(**{L_NS: namespace, L_NAME: name}):
            uid = c.labels.get(L_UID, "")
            if uid != keep_uid and uid not in self._terminating:
                log.info("pod %s/%s: container %s belongs to no pod bound here", namespace,
                         name, c.name)
                self.rt.remove(c)
                self.rt.remove_pod_dirs(uid)

    # --- running ---------------------------------------------------------
    def run(self, pod: dict) -> None:
        m, spec = pod["metadata"], pod.get("spec") or {}
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            return  # terminal: nothing restarts, the status stays as written
        existing = self.rt.pod_containers(m["uid"])
        pause = self.rt.ensure_pause(pod, existing)
        pod_ip = self._pod_ip(pause)
        services: tuple[list[dict], cluster_ports.Reach] | None = None

        def svc() -> tuple[list[dict], cluster_ports.Reach]:
            """The namespace's Services and where the proxy serves them (read once)."""
            nonlocal services
            if services is None:
                services = ([json.loads(s) for s in
                             store.list_objects("Service", m["namespace"]).items],
                            cluster_ports.reach(self._gateway(pause)))
            return services

        views = []
        for cspec in spec.get("containers") or []:
            mine = sorted((c for c in existing if c.labels.get(L_CONTAINER) == cspec["name"]),
                          key=_attempt)
            views.append(self._container(pod, cspec, mine, pause, svc))
        now = format_time(dj_tz.now())
        status = ps.pod_status(pod, views, now=now, host_ip=self.host_ip, pod_ip=pod_ip,
                               start_time=now)
        self.write_status(pod, status)

    def _pod_ip(self, pause) -> str:
        net = pause.attrs.get("NetworkSettings") or {}
        if net.get("IPAddress"):
            return net["IPAddress"]
        for info in (net.get("Networks") or {}).values():
            if info.get("IPAddress"):
                return info["IPAddress"]
        return ""

    def _gateway(self, pause) -> str:
        """The pod network's gateway: where kube-proxy serves ClusterIP Services."""
        net = pause.attrs.get("NetworkSettings") or {}
        if net.get("Gateway"):
            return net["Gateway"]
        return next((i["Gateway"] for i in (net.get("Networks") or {}).values()
                     if i.get("Gateway")), "")

    def _container(self, pod: dict, cspec: dict, mine: list, pause, services) -> ps.ContainerView:
        name, image = cspec["name"], cspec["image"]
        uid = pod["metadata"]["uid"]
        latest = mine[-1] if mine else None
        view = ps.ContainerView(name=name, image=image)
        if latest is None:
            return self._first_start(pod, cspec, pause, services, view)
        latest.reload()
        restarts = _attempt(latest)
        view.restart_count = restarts
        view.container_id = f"docker://{latest.id}"
        view.image_id = latest.attrs.get("Image", "")
        if len(mine) > 1:
            view.last_state = terminated_from(mine[-2])
        st = latest.attrs.get("State") or {}
        if latest.status in ("running", "paused", "restarting"):
            view.state = ps.RUNNING
            view.started_at = docker_time(st.get("StartedAt", ""))
            view.ready = self._ready(latest.id, pod, cspec, pause)
            return view
        if latest.status == "created":
            latest.start()
            view.state = ps.RUNNING
            view.started_at = format_time(dj_tz.now())
            return view
        code = int(st.get("ExitCode") or 0)
        policy = (pod.get("spec") or {}).get("restartPolicy", "Always")
        if policy == "Never" or (policy == "OnFailure" and code == 0):
            term = terminated_from(latest)["terminated"]
            view.state = ps.TERMINATED
            view.exit_code, view.reason = code, term["reason"]
            view.started_at = term.get("startedAt", "")
            view.finished_at = term.get("finishedAt", "")
            if code == 137 and term["reason"] != "OOMKilled" and \
                    time.time() - _epoch(st.get("FinishedAt", "")) < OOM_FLAG_SETTLE_SECONDS:
                # Docker may handle the exit before the kernel's OOM event, so a SIGKILL by
                # the OOM killer can briefly read as "Error": look again once it has settled.
                self.wake(pod["metadata"]["namespace"], pod["metadata"]["name"], 1.0)
            return view
        delay = backoff_delay(restarts, self.cfg.backoff_initial, self.cfg.backoff_max)
        wait = _epoch(st.get("FinishedAt", "")) + delay - time.time()
        view.last_state = terminated_from(latest)
        if wait > 0:
            view.reason = "CrashLoopBackOff"
            view.message = (f"back-off {delay:g}s restarting failed container={name} "
                            f"pod={pod['metadata']['name']}_{pod['metadata']['namespace']}"
                            f"({uid})")
            self.wake(pod["metadata"]["namespace"], pod["metadata"]["name"], wait)
            if restarts >= 1 and wait > delay - 0.5:
                recorder.record(pod, "BackOff", f"Back-off restarting failed container "
                                f"{name} in pod {pod['metadata']['name']}",
                                event_type="Warning", component="kubelet", host=self.node)
            return view
        for old in mine[:-1]:
            self.rt.remove(old)  # keep only the previous instance, for `logs --previous`
        c = self.rt.start_app(pod, cspec, pause, restarts + 1, *services())
        c.reload()
        view.restart_count = restarts + 1
        view.container_id = f"docker://{c.id}"
        view.state = ps.RUNNING
        view.started_at = docker_time((c.attrs.get("State") or {}).get("StartedAt", ""))
        view.ready = self._ready(c.id, pod, cspec, pause)
        return view

    def _ready(self, cid: str, pod: dict, cspec: dict, pause) -> bool:
        """Running and, when it has a readiness (or startup) probe, passing it."""
        if self.prober is None:
            return True
        m = pod["metadata"]
        self.prober.watch(cid, m["namespace"], m["name"], cspec, self._pod_ip(pause))
        verdict = self.prober.ready(cid)
        return True if verdict is None else verdict

    def _first_start(self, pod: dict, cspec: dict, pause, services, view) -> ps.ContainerView:
        key = (pod["metadata"]["uid"], cspec["name"])
        if not image_present(self.rt.client, cspec["image"]):
            failures = self.pull_failures.get(key, 0)
            self.pull_failures[key] = failures + 1
            view.reason = "ErrImagePull" if failures == 0 else "ImagePullBackOff"
            view.message = (f'image "{cspec["image"]}" is not present on node {self.node} and '
                            "this cluster has no registry; images available offline: "
                            + ", ".join(offline_images()))
            delay = max(1.0, backoff_delay(failures + 1, self.cfg.backoff_initial,
                                           self.cfg.backoff_max))
            self.wake(pod["metadata"]["namespace"], pod["metadata"]["name"], delay)
            if failures == 0:
                recorder.record(pod, "Failed", view.message, event_type="Warning",
                                component="kubelet", host=self.node)
            return view
        self.pull_failures.pop(key, None)
        try:
            c = self.rt.start_app(pod, cspec, pause, 0, *services())
        except Exception as exc:  # noqa: BLE001  (bad command, bad mount: the user's error)
            view.reason, view.message = "CreateContainerError", str(exc)[:500]
            self.wake(pod["metadata"]["namespace"], pod["metadata"]["name"],
                      self.cfg.backoff_initial)
            return view
        c.reload()
        view.container_id = f"docker://{c.id}"
        view.image_id = c.attrs.get("Image", "")
        view.state = ps.RUNNING
        view.started_at = docker_time((c.attrs.get("State") or {}).get("StartedAt", ""))
        view.ready = self._ready(c.id, pod, cspec, pause)
        return view

    def write_status(self, pod: dict, status: dict) -> None:
        uid = pod["metadata"]["uid"]

        def change(current: dict) -> dict:
            if current["metadata"].get("uid") != uid:
                return current  # replaced by a new pod of the same name meanwhile
            current["status"] = status
            return current
        try:
            store.mutate("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"], change,
                         subresource="status")
        except NotFound:
            pass
        except ApiError as exc:
            log.warning("status of %s/%s: %s", pod["metadata"]["namespace"],
                        pod["metadata"]["name"], exc)

    # --- deletion ----------------------------------------------------------
    def terminate(self, pod: dict) -> None:
        """Graceful stop in a thread (the grace period must not block other pods)."""
        uid = pod["metadata"]["uid"]
        with self._lock:
            if uid in self._terminating:
                return
            self._terminating.add(uid)
        threading.Thread(target=self._terminate, args=(pod,), daemon=True,
                         name=f"terminate-{pod['metadata']['name']}").start()

    def _terminate(self, pod: dict) -> None:
        m = pod["metadata"]
        grace = int(m.get("deletionGracePeriodSeconds") or 0)
        try:
            containers = self.rt.pod_containers(m["uid"])
            apps = [c for c in containers if c.labels.get(L_CONTAINER) != PAUSE_NAME]
            stoppers = [threading.Thread(target=self.rt.stop, args=(c, grace)) for c in apps]
            for t in stoppers:
                t.start()
            for t in stoppers:
                t.join()
            for c in containers:
                self.rt.remove(c)
            self.rt.remove_pod_dirs(m["uid"])
            try:
                store.delete("Pod", m["namespace"], m["name"], grace_seconds=0,
                             precondition_uid=m["uid"])
            except (NotFound, ApiError) as exc:
                log.debug("confirm deletion of %s/%s: %s", m["namespace"], m["name"], exc)
        except Exception:  # noqa: BLE001  (a thread must not die silently)
            log.exception("terminating %s/%s", m["namespace"], m["name"])
        finally:
            with self._lock:
                self._terminating.discard(m["uid"])
            from django.db import connection
            connection.close()
