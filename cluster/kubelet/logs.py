"""pods/log: a container's output, read from the local Docker engine by label.

The API server runs beside the Docker engine its kubelets drive, so it reads the
container's Docker logs directly (Kubernetes asks the node's kubelet instead). The
container is found by labels alone (cluster, pod uid, container name); the kubelet
keeps one previous instance of a restarted container, which `previous=true` reads.
A pod on a simulated node has no containers, which the caller is told plainly.
"""
from __future__ import annotations

import logging
import queue
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from cluster import store
from cluster.errors import ApiError, BadRequest, NotFound, ServiceUnavailable
from cluster.kubelet.docker_runtime import L_ATTEMPT, L_CLUSTER, L_CONTAINER, L_UID, LABEL
from cluster.kubelet.docker_settings import cluster_id

log = logging.getLogger("kubelab.kubelet.logs")

RUNTIME_LABEL = "kubelab.io/runtime"  # set by the Docker kubelet on its Node
DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"
POLL_SECONDS = 1.0  # how often a quiet follow checks whether the client is still there


@dataclass(frozen=True)
class LogOptions:
    container: str = ""
    tail_lines: int | None = None
    follow: bool = False
    timestamps: bool = False
    previous: bool = False
    since_seconds: int | None = None
    limit_bytes: int | None = None


def docker_client():
    import docker

    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except Exception as exc:  # noqa: BLE001  (no engine: say so, as a Status)
        raise ServiceUnavailable(f"no Docker engine answers on this host ({type(exc).__name__}); "
                                 "container logs are read from it") from None
    return client


def pick_container(pod: dict, wanted: str) -> str:
    """The container named, or the pod's only (or default-annotated) one."""
    name = pod["metadata"]["name"]
    names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
    if wanted:
        if wanted not in names:
            raise BadRequest(f'container {wanted} is not valid for pod {name}')
        return wanted
    default = (pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER)
    if default in names:
        return default
    if len(names) == 1:
        return names[0]
    raise BadRequest(f"a container name must be specified for pod {name}, choose one of: "
                     f"[{' '.join(names)}]")


def check_node(pod: dict) -> None:
    name = pod["metadata"]["name"]
    node = (pod.get("spec") or {}).get("nodeName")
    if not node:
        raise BadRequest(f'pod "{name}" is not yet scheduled to a node; there are no logs yet')
    try:
        labels = store.get("Node", "", node)["metadata"].get("labels") or {}
    except NotFound:
        labels = {}
    if labels.get(RUNTIME_LABEL) != "docker":
        raise BadRequest(f'pod "{name}" runs on node "{node}", a simulated node: its '
                         "containers are played, not run, so there are no real logs (pods on "
                         "Docker nodes have them)")


def find_container(client, pod: dict, container: str, previous: bool):
    """The Docker container (low-level dict) of this instance, newest attempt first."""
    uid = pod["metadata"]["uid"]
    found = client.api.containers(all=True, filters={"label": [
        f"{LABEL}=1", f"{L_CLUSTER}={cluster_id()}", f"{L_UID}={uid}",
        f"{L_CONTAINER}={container}"]})

    def attempt(c: dict) -> int:
        raw = (c.get("Labels") or {}).get(L_ATTEMPT, "0")
        return int(raw) if raw.isdigit() else 0
    found.sort(key=attempt, reverse=True)
    pod_name = pod["metadata"]["name"]
    if previous:
        if len(found) < 2:
            raise BadRequest(f'previous terminated container "{container}" in pod '
                             f'"{pod_name}" not found')
        return found[1]
    if not found:
        raise BadRequest(f'container "{container}" in pod "{pod_name}" is waiting to start: '
                         "ContainerCreating (or its node's Docker engine is not this host's)")
    return found[0]


def open_logs(namespace: str, name: str, opts: LogOptions,
              client_socket: socket.socket | None = None) -> Iterator[bytes]:
    """Check everything first (errors become Statuses), then return the byte stream.
    `client_socket`, when known, lets a quiet follow notice that its reader left."""
    pod = store.get("Pod", namespace, name)
    container = pick_container(pod, opts.container)
    check_node(pod)
    client = docker_client()
    target = find_container(client, pod, container, opts.previous)
    kwargs: dict = {"stdout": True, "stderr": True, "timestamps": opts.timestamps,
                    "tail": "all" if opts.tail_lines is None else max(0, opts.tail_lines)}
    if opts.since_seconds:
        kwargs["since"] = int(time.time()) - opts.since_seconds
    try:
        if not opts.follow:
            data = client.api.logs(target["Id"], stream=False, **kwargs)
            client.close()
            if opts.limit_bytes is not None:
                data = data[:max(0, opts.limit_bytes)]
            return iter([data] if data else [])
        stream = client.api.logs(target["Id"], stream=True, follow=True, **kwargs)
    except ApiError:
        raise
    except Exception as exc:  # noqa: BLE001  (removed meanwhile, engine gone)
        client.close()
        raise NotFound(f'logs of container "{container}" in pod "{name}" are gone: {exc}',
                       kind="pods", name=name) from None
    chunks = follow(stream, client, client_socket)
    return chunks if opts.limit_bytes is None else limited(chunks, opts.limit_bytes)


def limited(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    """limitBytes on a stream: stop (and close the source) once the budget is spent."""
    try:
        for chunk in chunks:
            if limit <= 0:
                return
            yield chunk[:limit]
            limit -= len(chunk)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def follow(stream, client, client_socket: socket.socket | None = None) -> Iterator[bytes]:
    """Relay a Docker log stream until the container stops (the stream ends) or the
    reader goes away. Docker is read in a thread, so a quiet container does not pin
    this generator where it cannot notice a departed client."""
    chunks: queue.Queue = queue.Queue(maxsize=256)
    done = object()

    def pump() -> None:
        try:
            for chunk in stream:
                chunks.put(chunk)
        except Exception as exc:  # noqa: BLE001  (closed under us, when the client left)
            log.debug("log stream ended: %s", exc)
        finally:
            chunks.put(done)

    threading.Thread(target=pump, daemon=True, name="log-follow").start()
    try:
        while True:
            try:
                item = chunks.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if client_socket is not None and client_gone(client_socket):
                    return
                continue
            if item is done:
                return
            yield item
    finally:
        try:
            stream.close()
        except Exception:  # noqa: BLE001
            pass
        client.close()


def client_gone(sock: socket.socket) -> bool:
    """True when the peer closed: readable with nothing to read (a peek, never a read)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
