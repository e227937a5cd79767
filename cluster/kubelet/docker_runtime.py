"""Pods as Docker containers, the way Kubernetes' dockershim ran them.

Per pod: one pause container that owns the network namespace (the pod IP, the
hostname) and one container per app container joined to it with
`network_mode=container:<pause>`, so a pod's containers share localhost and IP.
emptyDir volumes are per-pod host directories under the kubelet's var dir, bind-
mounted into every container that names them; user-given host paths are never
mounted. Every container carries the kubelab labels, so the kubelet can find,
adopt and remove them by label alone.

This module only talks to Docker; deciding *when* to start or restart lives in
`docker_pod.py`.
"""
from __future__ import annotations

import logging
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

from cluster.kubelet.cluster_ports import Reach
from cluster.kubelet.docker_settings import KubeletSettings
from cluster.kubelet.images import PAUSE_IMAGE
from cluster.validation.containers import parse_qty

log = logging.getLogger("kubelab.kubelet.docker")

LABEL = "kubelab"
L_UID = "kubelab.pod.uid"
L_NS = "kubelab.pod.namespace"
L_NAME = "kubelab.pod.name"
L_CONTAINER = "kubelab.container"
L_NODE = "kubelab.node"
L_ATTEMPT = "kubelab.attempt"
L_CLUSTER = "kubelab.cluster"
PAUSE_NAME = "POD"  # dockershim's name for the sandbox container

# Enough for ordinary programs (own files, drop privileges, signal children,
# bind low ports); everything else stays dropped.
CAP_ADD = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "KILL", "NET_BIND_SERVICE"]


def pod_labels(pod: dict, node: str, container: str, attempt: int = 0,
               cluster: str = "default") -> dict[str, str]:
    m = pod["metadata"]
    return {LABEL: "1", L_UID: m["uid"], L_NS: m["namespace"], L_NAME: m["name"],
            L_CONTAINER: container, L_NODE: node, L_ATTEMPT: str(attempt),
            L_CLUSTER: cluster}


def container_name(pod: dict, container: str, attempt: int) -> str:
    m = pod["metadata"]
    raw = f"k8s_{container}_{m['name']}_{m['namespace']}_{m['uid'][:8]}_{attempt}"
    return re.sub(r"[^a-zA-Z0-9_.-]", "-", raw)


def env_name(service: str) -> str:
    """Kubernetes' spelling of a Service in env var names: upper case, '-' -> '_'."""
    return service.upper().replace("-", "_")


def _addresses(svc: dict, ports: list[dict], reach: Reach | None) -> tuple[str, list[int]]:
    """Host and per-port numbers a pod should dial: the proxy's on the gateway when it
    serves every port of the Service (see `cluster_ports`), else the clusterIP's."""
    m, ip = svc["metadata"], svc["spec"]["clusterIP"]
    if reach is not None:
        mapped = [reach.of(m.get("namespace", ""), m["name"], p.get("port")) for p in ports]
        if all(mapped):
            return reach.host, [int(p) for p in mapped if p]
    return ip, [int(p.get("port") or 0) for p in ports]


def service_env(services: list[dict], reach: Reach | None = None) -> dict[str, str]:
    """`<SVC>_SERVICE_HOST` / `_PORT` (+ `_PORT_<name>` and the docker-link style
    `<SVC>_PORT_<port>_TCP*`) for each Service with a cluster IP."""
    env: dict[str, str] = {}
    for svc in services:
        spec = svc.get("spec") or {}
        ip = spec.get("clusterIP")
        ports = [p for p in spec.get("ports") or [] if (p.get("protocol") or "TCP") == "TCP"]
        if not ip or ip == "None" or not ports:
            continue
        prefix = env_name(svc["metadata"]["name"])
        host, numbers = _addresses(svc, ports, reach)
        env[f"{prefix}_SERVICE_HOST"] = host
        env[f"{prefix}_SERVICE_PORT"] = str(numbers[0])
        env[f"{prefix}_PORT"] = f"tcp://{host}:{numbers[0]}"
        for port, number in zip(ports, numbers, strict=True):
            if port.get("name"):
                env[f"{prefix}_SERVICE_PORT_{env_name(port['name'])}"] = str(number)
            link = f"{prefix}_PORT_{port.get('port')}_TCP"
            env.update({link: f"tcp://{host}:{number}", f"{link}_PROTO": "tcp",
                        f"{link}_PORT": str(number), f"{link}_ADDR": host})
    return env


def container_env(cspec: dict, pod: dict, services: list[dict],
                  reach: Reach | None = None) -> dict[str, str]:
    """Service variables first, then the container's own `env` (which wins)."""
    env = service_env(services, reach)
    for item in cspec.get("env") or []:
        if "value" in item or not item.get("valueFrom"):
            env[item["name"]] = str(item.get("value", ""))
            continue
        path = ((item.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath", "")
        env[item["name"]] = str(_field_ref(pod, path))
    return env


def _field_ref(pod: dict, path: str) -> Any:
    m, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    return {"metadata.name": m.get("name"), "metadata.namespace": m.get("namespace"),
            "metadata.uid": m.get("uid"), "spec.nodeName": spec.get("nodeName"),
            "spec.serviceAccountName": spec.get("serviceAccountName"),
            "status.podIP": status.get("podIP"), "status.hostIP": status.get("hostIP"),
            }.get(path, "")


def resource_limits(cspec: dict, cfg: KubeletSettings) -> dict[str, Any]:
    """requests/limits -> Docker: cpu limit as a CFS quota, cpu request as shares,
    memory limit (a default cap when none, so one pod cannot eat the machine)."""
    res = cspec.get("resources") or {}
    limits, requests = res.get("limits") or {}, res.get("requests") or {}
    out: dict[str, Any] = {"pids_limit": cfg.pids_limit}
    cpu_limit = parse_qty(limits.get("cpu")) if "cpu" in limits else None
    if cpu_limit:
        out["nano_cpus"] = int(cpu_limit * Decimal(1_000_000_000))
    cpu_req = parse_qty(requests.get("cpu", limits.get("cpu", "0"))) or Decimal(0)
    out["cpu_shares"] = max(2, int(cpu_req * 1024)) if cpu_req else 2
    mem = parse_qty(limits.get("memory")) if "memory" in limits else None
    out["mem_limit"] = int(mem) if mem else cfg.default_memory_limit
    out["memswap_limit"] = out["mem_limit"]  # no swap, so the OOM killer really fires
    return out


def empty_dir_path(cfg: KubeletSettings, uid: str, volume: str) -> Path:
    return cfg.pods_dir / uid / "volumes" / re.sub(r"[^a-zA-Z0-9_.-]", "_", volume)


def volume_binds(pod: dict, cspec: dict, cfg: KubeletSettings) -> dict[str, dict]:
    """Bind mounts for the container's volumeMounts of emptyDir volumes (only those)."""
    volumes = {v["name"]: v for v in (pod.get("spec") or {}).get("volumes") or []}
    binds: dict[str, dict] = {}
    for mount in cspec.get("volumeMounts") or []:
        vol = volumes.get(mount.get("name"))
        if vol is None or "emptyDir" not in vol:
            continue  # hostPath & co. are refused: a class cluster must not expose the host
        host = empty_dir_path(cfg, pod["metadata"]["uid"], vol["name"])
        host.mkdir(parents=True, exist_ok=True)
        host.chmod(0o777)
        binds[str(host)] = {"bind": mount["mountPath"],
                            "mode": "ro" if mount.get("readOnly") else "rw"}
    return binds


def pause_config(pod: dict, node: str, cfg: KubeletSettings) -> dict[str, Any]:
    m = pod["metadata"]
    return {
        "image": PAUSE_IMAGE, "name": container_name(pod, PAUSE_NAME, 0),
        "labels": pod_labels(pod, node, PAUSE_NAME, cluster=cfg.cluster_id),
        "hostname": m["name"][:63],
        "detach": True, "network": cfg.network or None,
        "mem_limit": 16 * 1024 * 1024, "pids_limit": 16,
        "security_opt": ["no-new-privileges"], "cap_drop": ["ALL"],
    }


def app_config(pod: dict, cspec: dict, node: str, pause_id: str, attempt: int,
               services: list[dict], cfg: KubeletSettings,
               reach: Reach | None = None) -> dict[str, Any]:
    """Keyword arguments for `client.containers.create` of one app container."""
    kw: dict[str, Any] = {
        "image": cspec["image"], "name": container_name(pod, cspec["name"], attempt),
        "labels": pod_labels(pod, node, cspec["name"], attempt, cfg.cluster_id),
        "detach": True, "network_mode": f"container:{pause_id}",
        "environment": container_env(cspec, pod, services, reach),
        "volumes": volume_binds(pod, cspec, cfg),
        # docker-init as PID 1 forwards SIGTERM, so `sleep` & co. stop within the grace.
        "init": True,
        "security_opt": ["no-new-privileges"], "cap_drop": ["ALL"], "cap_add": CAP_ADD,
        "tty": bool(cspec.get("tty")), "stdin_open": bool(cspec.get("stdin")),
        **resource_limits(cspec, cfg),
    }
    if cspec.get("command"):
        kw["entrypoint"] = list(cspec["command"])
        kw["command"] = list(cspec.get("args") or [])
    elif cspec.get("args"):
        kw["command"] = list(cspec["args"])
    if cspec.get("workingDir"):
        kw["working_dir"] = cspec["workingDir"]
    return kw


class DockerRuntime:
    """The container operations of one node, on one Docker client."""

    def __init__(self, client, node: str, cfg: KubeletSettings) -> None:
        self.client = client
        self.node = node
        self.cfg = cfg

    def containers(self, **labels: str) -> list:
        """This node's containers (running or not) matching `labels`."""
        wanted = [f"{LABEL}=1", f"{L_NODE}={self.node}", f"{L_CLUSTER}={self.cfg.cluster_id}"]
        wanted += [f"{k}={v}" for k, v in labels.items()]
        return self.client.containers.list(all=True, filters={"label": wanted},
                                           ignore_removed=True)

    def pod_containers(self, uid: str) -> list:
        return self.containers(**{L_UID: uid})

    def ensure_pause(self, pod: dict, existing: list):
        """The pod's running sandbox, created or restarted when needed."""
        for c in existing:
            if c.labels.get(L_CONTAINER) == PAUSE_NAME:
                if c.status != "running":
                    c.start()
                    c.reload()
                return c
        c = self.client.containers.create(**pause_config(pod, self.node, self.cfg))
        c.start()
        c.reload()
        return c

    def start_app(self, pod: dict, cspec: dict, pause, attempt: int, services: list[dict],
                  reach: Reach | None = None):
        c = self.client.containers.create(
            **app_config(pod, cspec, self.node, pause.id, attempt, services, self.cfg, reach))
        c.start()
        return c

    def stop(self, container, grace: int) -> None:
        """SIGTERM, wait up to `grace` seconds, then SIGKILL (what `docker stop` does)."""
        try:
            container.stop(timeout=max(0, int(grace)))
        except Exception as exc:  # noqa: BLE001  (already gone is fine)
            log.debug("stop %s: %s", container.name, exc)

    def remove(self, container) -> None:
        log.info("removing container %s", container.name)
        try:
            container.remove(force=True, v=True)
        except Exception as exc:  # noqa: BLE001
            log.debug("remove %s: %s", container.name, exc)

    def freeze(self) -> int:
        """Pause every running container of this node (a killed node runs nothing)."""
        return self._each("running", "pause")

    def thaw(self) -> int:
        """Unpause what `freeze` paused (a revived node); returns how many."""
        return self._each("paused", "unpause")

    def _each(self, status: str, action: str) -> int:
        done = 0
        for c in self.containers():
            if c.status != status:
                continue
            try:
                getattr(c, action)()
                done += 1
            except Exception as exc:  # noqa: BLE001  (exited meanwhile: nothing to do)
                log.debug("%s %s: %s", action, c.name, exc)
        return done

    def remove_pod_dirs(self, uid: str) -> None:
        shutil.rmtree(self.cfg.pods_dir / uid, ignore_errors=True)
