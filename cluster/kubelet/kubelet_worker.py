"""The Docker kubelet of one node: a Celery worker on `node.NAME` plus its agent loop.

The Celery worker (main thread) receives pod keys queued by `routes.route`; the
agent (threads beside it) registers the Node, renews its Lease, turns Docker
events into pod syncs, resyncs every pod bound here periodically, and runs the
pod syncs themselves on a small keyed queue, so a slow pod never blocks another.
Stopping the kubelet leaves containers running; the next kubelet adopts them.
A node listed in `nodes.killed` (see `node_switch.py`) plays dead until revived.
"""
from __future__ import annotations

import json
import logging
import platform
import threading
import time

from django.db import close_old_connections

from cluster import recorder, store
from cluster.events import redis_client
from cluster.kubelet import docker_settings, node_agent, node_switch
from cluster.kubelet.docker_pod import PodSyncer
from cluster.kubelet.docker_probes import Prober, Watched
from cluster.kubelet.docker_queue import KeyQueue
from cluster.kubelet.docker_runtime import L_CLUSTER, L_NAME, L_NODE, L_NS, DockerRuntime
from cluster.kubelet.images import ensure_images, local_images
from cluster.selectors import parse_field_selector

log = logging.getLogger("kubelab.kubelet")

RUNTIME_LABEL = "kubelab.io/runtime"
MARKER_TTL = 10  # seconds; routes enqueue for a node only while its marker is fresh
# Only deaths: the kubelet started the containers itself, and reacting to its own
# "start" events doubled the sync work under load.
EVENT_ACTIONS = ("die", "oom", "destroy")

_current: Kubelet | None = None


def current() -> Kubelet | None:
    """The kubelet of this process (the Celery task hands keys to it)."""
    return _current


def marker_key(node: str) -> str:
    return f"kubelab:kubelet:docker:{node}"


def pending_key(node: str, namespace: str, name: str) -> str:
    return f"kubelab:kubelet:pending:{node}:{namespace}/{name}"


class Kubelet:
    def __init__(self, node: str, client=None) -> None:
        import docker

        self.node = node
        self.cfg = docker_settings.load()
        self.client = client or docker.from_env(timeout=60)
        self.runtime = DockerRuntime(self.client, node, self.cfg)
        self.queue = KeyQueue(self._sync, workers=self.cfg.workers)
        self.prober = Prober(self.client, on_ready_change=self.queue.add,
                             on_liveness_failure=self._unhealthy)
        self.syncer = PodSyncer(self.runtime, host_ip="127.0.0.1", wake=self.queue.add,
                                prober=self.prober)
        self._stop = threading.Event()
        self._dead = threading.Event()  # killed on request: no lease, no syncs, no probes

    # --- lifecycle ---------------------------------------------------------
    def start(self) -> None:
        global _current
        started = time.monotonic()
        ensure_images(self.client)
        adopted = 0
        if node_switch.is_killed(self.node):
            self._play_dead()  # a killed node stays dead across kubelet restarts
        else:
            self.register()
            adopted = self.adopt()
        self.queue.start()
        for target in (self._heartbeat_loop, self._events_loop, self._resync_loop,
                       self._probe_loop):
            threading.Thread(target=target, daemon=True, name=target.__name__).start()
        _current = self
        log.info("kubelet %s ready: docker %s, %d pod(s) adopted, in %.1f s", self.node,
                 self.client.version().get("Version"), adopted, time.monotonic() - started)

    def stop(self) -> None:
        self._stop.set()
        self.queue.stop()
        try:
            redis_client().delete(marker_key(self.node))
        except Exception:  # noqa: BLE001
            pass

    def register(self) -> None:
        version = self.client.version()
        node_agent.register_node(
            self.node, cpu=self.cfg.cpu, memory=self.cfg.memory, pods=self.cfg.max_pods,
            labels={RUNTIME_LABEL: "docker"}, zone=self.cfg.zone,
            node_info={"containerRuntimeVersion": f"docker://{version.get('Version')}",
                       "kernelVersion": version.get("KernelVersion", platform.release()),
                       "osImage": f"kubelab on {platform.system()}"},
            images=local_images(self.client))
        node_agent.set_node_ready(self.node, True, "KubeletReady",
                                  "kubelet is posting ready status")
        self._beat()

    def adopt(self) -> int:
        """Queue a sync for every pod that has containers here: the sync keeps the
        containers of pods still bound to this node and removes the rest."""
        keys = {(c.labels.get(L_NS, ""), c.labels.get(L_NAME, ""))
                for c in self.runtime.containers()}
        for ns, name in keys:
            self.queue.add(ns, name)
        return len(keys)

    # --- work --------------------------------------------------------------
    def submit(self, namespace: str, name: str) -> None:
        """A pod key from the Celery task."""
        try:
            redis_client().delete(pending_key(self.node, namespace, name))
        except Exception:  # noqa: BLE001  (the de-dup key expires on its own)
            pass
        self.queue.add(namespace, name)

    def _sync(self, namespace: str, name: str) -> None:
        if self._dead.is_set():
            return  # dropped: reviving adopts every pod with containers here again
        self.syncer.sync(namespace, name)

    def _unhealthy(self, cid: str, watched: Watched, kind: str) -> None:
        """A failed liveness/startup probe: kill the container; the restart follows."""
        probe = "Liveness" if kind == "livenessProbe" else "Startup"
        try:
            pod = store.get("Pod", watched.namespace, watched.pod)
            recorder.record(pod, "Unhealthy", f"{probe} probe failed; container "
                            f"{watched.container} will be restarted", event_type="Warning",
                            component="kubelet", host=self.node)
        except Exception:  # noqa: BLE001  (the event is best effort)
            pass
        try:
            self.client.api.kill(cid)
        except Exception as exc:  # noqa: BLE001
            log.debug("kill %s: %s", cid, exc)

    # --- agent loops ---------------------------------------------------------
    def _probe_loop(self) -> None:
        self.prober.loop(self._stop, paused=self._dead.is_set)

    def _beat(self) -> None:
        node_agent.renew_lease(self.node)
        redis_client().set(marker_key(self.node), "1", ex=MARKER_TTL)

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(self.cfg.lease_seconds):
            try:
                close_old_connections()
                killed = node_switch.is_killed(self.node)
                if killed and not self._dead.is_set():
                    self._play_dead()
                elif not killed and self._dead.is_set():
                    self._revive()
                elif not killed:
                    self._beat()
            except Exception as exc:  # noqa: BLE001  (the next beat may succeed)
                log.warning("lease renewal of %s failed: %s", self.node, exc)

    def _play_dead(self) -> None:
        """Killed on request: behave like a lost machine (see `node_switch`)."""
        self._dead.set()
        try:
            redis_client().delete(marker_key(self.node))  # routes stop queuing pods here
        except Exception:  # noqa: BLE001  (the marker expires on its own)
            pass
        frozen = self.runtime.freeze()
        log.warning("node %s killed on request: lease no longer renewed, %d container(s) "
                    "frozen", self.node, frozen)

    def _revive(self) -> None:
        """Revived: thaw, re-register, and adopt (stale containers go, as after a restart)."""
        thawed = self.runtime.thaw()
        self._dead.clear()
        self.register()
        adopted = self.adopt()
        log.warning("node %s revived: %d container(s) thawed, %d pod(s) to adopt", self.node,
                    thawed, adopted)

    def _events_loop(self) -> None:
        """Docker events -> pod syncs, so a dead container shows in status within 1 s."""
        while not self._stop.is_set():
            try:
                stream = self.client.events(decode=True, filters={
                    "type": "container", "label": [
                        "kubelab=1", f"{L_NODE}={self.node}",
                        f"{L_CLUSTER}={self.cfg.cluster_id}"],
                    "event": list(EVENT_ACTIONS)})
                for event in stream:
                    attrs = (event.get("Actor") or {}).get("Attributes") or {}
                    if event.get("Action") in ("die", "destroy"):
                        self.prober.forget(event.get("id", ""))
                    if attrs.get(L_NS) and attrs.get(L_NAME) and not self._dead.is_set():
                        self.queue.add(attrs[L_NS], attrs[L_NAME])
                    if self._stop.is_set():
                        return
            except Exception as exc:  # noqa: BLE001  (engine restarted: reconnect)
                log.warning("docker events of %s: %s; reconnecting", self.node, exc)
                self._stop.wait(1.0)

    def _resync_loop(self) -> None:
        """Level-triggered safety net: every pod bound here and every container here."""
        selector = parse_field_selector(f"spec.nodeName={self.node}", ["spec.nodeName"])
        while not self._stop.wait(self.cfg.resync_seconds):
            if self._dead.is_set():
                continue
            try:
                close_old_connections()
                keys = set()
                for raw in store.list_objects("Pod", field_selector=selector).items:
                    m = json.loads(raw)["metadata"]
                    keys.add((m["namespace"], m["name"]))
                keys |= {(c.labels.get(L_NS, ""), c.labels.get(L_NAME, ""))
                         for c in self.runtime.containers()}
                for ns, name in keys:
                    self.queue.add(ns, name)
            except Exception as exc:  # noqa: BLE001
                log.warning("resync of %s failed: %s", self.node, exc)


def run(node: str, loglevel: str = "INFO") -> None:
    """`manage.py kubelet NAME`: the agent in threads, the Celery worker in this thread."""
    from config.celery import app

    kubelet = Kubelet(node)
    kubelet.start()
    try:
        app.worker_main(argv=[
            "worker", "-Q", f"node.{node}", "-n", f"kubelet-{node}@%h", "--pool", "solo",
            "--loglevel", loglevel, "--without-gossip", "--without-mingle",
            "--without-heartbeat",
        ])
    finally:
        kubelet.stop()
        log.info("kubelet %s stopped; its containers keep running", node)
