"""The simulator's loop: nodes, leases, pod lifecycles and deletions, in one process.

Level-triggered like a kubelet: what it acts on is "the pods bound to my nodes", learnt
from the events channel and re-listed periodically (and at start, which is how a
restarted simulator adopts the pods it had without repeating any work: their stored
status is its memory). Work is driven by a timer heap (no per-pod polling) and status
writes go to the store in batches, latest state first-come-first-served, so a backlog
coalesces intermediate states instead of growing.
"""
from __future__ import annotations

import heapq
import itertools
import json
import logging
import queue
import time
from collections import deque

from django.utils import timezone

from cluster import store, store_batch
from cluster.errors import ApiError, NotFound
from cluster.kubelet import node_agent
from cluster.kubelet.batch import run_batch
from cluster.kubelet.pod_status import pod_status
from cluster.kubelet.simulator import fleet
from cluster.kubelet.simulator import settings as sim
from cluster.kubelet.simulator.lifecycle import NEVER, SimPod, rfc3339
from cluster.kubelet.simulator.listener import RESYNC, Listener, PodEvent
from cluster.models import Pod
from cluster.objects import format_time

log = logging.getLogger("kubelab.simulator")
Key = tuple[str, str]
GAP_RESYNC_MIN_SECONDS = 5.0


class Simulator:
    def __init__(self, cfg: fleet.FleetConfig) -> None:
        self.cfg = cfg
        self.specs = fleet.node_specs(cfg)
        self.index = {s.name: i for i, s in enumerate(self.specs, start=1)}
        self.host_ips = {s.name: s.address for s in self.specs}
        self.pods: dict[Key, SimPod] = {}
        self.used_slots: dict[str, set[int]] = {s.name: set() for s in self.specs}
        self.timers: list[tuple[float, int, Key]] = []
        self.seq = itertools.count()
        self.dirty: dict[Key, None] = {}  # ordered set: pods whose status needs writing
        self.doomed: dict[Key, None] = {}  # pods whose deletion is due for confirmation
        self.failed: set[str] = set()
        self.parked: dict[str, list[Key]] = {}  # timers of pods on failed nodes
        self.leases: deque[str] = deque(s.name for s in self.specs)
        self.last_renew: dict[str, float] = {}
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.listener = Listener(set(self.index), self.events)
        self.stopping = False
        self.next_resync = self.next_failure_check = 0.0
        self.last_gap_resync = 0.0
        self.writes = 0

    # --- start ---------------------------------------------------------------
    def start(self) -> float:
        """Register the nodes, subscribe, adopt existing pods. Returns seconds taken."""
        t0 = time.monotonic()
        self.listener.start()  # subscribe before listing, so nothing falls between
        self.listener.subscribed.wait(10)
        self.failed = fleet.failed_nodes(set(self.index))
        # Each chunk of nodes gets its leases at once: a node registered long before
        # its first lease would look dead to the node lifecycle controller.
        spread, chunk = self.lease_interval / 2, sim.WRITE_BATCH * 2
        for start in range(0, len(self.specs), chunk):
            specs = self.specs[start:start + chunk]
            node_agent.register_nodes(specs, batch_size=chunk)
            live = [s.name for s in specs if s.name not in self.failed]
            node_agent.renew_leases(live, duration=sim.LEASE_DURATION_SECONDS,
                                    batch_size=chunk)
            # Spread the next renewals (earliest first, in deque order), so they do not
            # come back in one lump; keep the first chunks alive on a slow start.
            mono, total = time.monotonic(), len(self.specs)
            for i, name in enumerate(live, start=start):
                self.last_renew[name] = mono - spread * (total - i) / total
            self._renew_due_leases(mono)
        now = time.time()
        if self.failed:
            self._report_failed(sorted(self.failed))
        self.resync(now)
        return time.monotonic() - t0

    @property
    def lease_interval(self) -> float:
        wished = max(sim.LEASE_SECONDS, len(self.specs) / max(1.0, sim.LEASE_WRITES_PER_SECOND))
        return min(wished, max(sim.LEASE_SECONDS, sim.NODE_GRACE_SECONDS / 2))

    # --- the loop --------------------------------------------------------------
    def run(self) -> None:
        while not self.stopping:
            self.step()
        self.listener.stopping.set()

    def step(self) -> None:
        """One pass: events in, timers due, failure switch, leases, a batch of writes."""
        now = time.time()
        self._drain_events(now)
        self._fire_timers(now)
        mono = time.monotonic()
        if mono >= self.next_failure_check:
            self.next_failure_check = mono + sim.FAILURE_POLL_SECONDS
            self._check_failures()
        self._renew_due_leases(mono)
        if mono >= self.next_resync:
            self.resync(now)
        wrote = self._write_batch(time.time())
        if not wrote and not self.stopping:
            self._wait(time.time())

    def _wait(self, now: float) -> None:
        until = min(self.timers[0][0] if self.timers else NEVER, now + 0.2)
        try:
            item = self.events.get(timeout=max(0.0, until - now))
        except queue.Empty:
            return
        self._on_event(item, time.time())

    # --- events and resync ---------------------------------------------------
    def _drain_events(self, now: float, limit: int = 5000) -> None:
        for _ in range(limit):
            try:
                item = self.events.get_nowait()
            except queue.Empty:
                return
            self._on_event(item, now)

    def _on_event(self, event: PodEvent, now: float) -> None:
        if event is RESYNC:
            if time.monotonic() - self.last_gap_resync > GAP_RESYNC_MIN_SECONDS:
                self.last_gap_resync = time.monotonic()
                self.next_resync = 0.0
            return
        pod = event.obj
        m = pod.get("metadata") or {}
        key = (m.get("namespace", ""), m.get("name", ""))
        known = self.pods.get(key)
        if event.type == "DELETED":
            if known is not None and known.uid == m.get("uid"):
                self._forget(key)
            return
        if known is None or known.uid != m.get("uid"):
            self._adopt(pod, now)
        elif m.get("deletionTimestamp"):
            self._begin_termination(known, pod, now)

    def resync(self, now: float) -> None:
        """Re-list this simulator's pods: adopt new ones, forget vanished ones."""
        self.next_resync = time.monotonic() + sim.RESYNC_SECONDS
        rows = (Pod.objects.filter(node_name__startswith=self.cfg.prefix)
                .values_list("id", "namespace", "name", "uid", "node_name",
                             "deletion_timestamp"))
        seen: set[Key] = set()
        fetch: list[int] = []
        for row_id, ns, name, uid, node, deleting in rows.iterator(chunk_size=5000):
            if node not in self.index:
                continue
            key = (ns, name)
            seen.add(key)
            known = self.pods.get(key)
            if known is None or known.uid != uid or (deleting and known.delete_at == NEVER):
                fetch.append(row_id)
        for key in [k for k in self.pods if k not in seen]:
            self._forget(key)
        for start in range(0, len(fetch), 2000):
            for body in Pod.objects.filter(id__in=fetch[start:start + 2000]).values_list(
                    "body", flat=True):
                self._on_event(PodEvent("MODIFIED", json.loads(body)), now)

    # --- pods ----------------------------------------------------------------
    def _adopt(self, pod: dict, now: float) -> None:
        key = (pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
        if key in self.pods:
            self._forget(key)
        status = pod.get("status") or {}
        simpod = SimPod.from_pod(pod, now, sim.CREATING_SECONDS, sim.PROBE_DELAY_SCALE,
                                 (sim.BACKOFF_SECONDS, sim.BACKOFF_MAX_SECONDS))
        self.pods[key] = simpod
        if simpod.pod_ip:
            self._claim_ip(simpod)
        if status.get("containerStatuses"):
            simpod.written = simpod.signature(now)  # adopted as it stands: nothing to redo
        if pod["metadata"].get("deletionTimestamp"):
            self._begin_termination(simpod, pod, now)
        else:
            self._schedule(simpod, now)

    def _claim_ip(self, simpod: SimPod) -> None:
        last = simpod.pod_ip.rsplit(".", 1)[-1]
        if last.isdigit():
            self.used_slots.setdefault(simpod.node, set()).add(int(last) - 1)

    def _assign_ip(self, simpod: SimPod) -> None:
        used = self.used_slots.setdefault(simpod.node, set())
        slot = next((s for s in range(1, 254) if s not in used), 253)
        used.add(slot)
        simpod.pod_ip = fleet.pod_ip(self.cfg, self.index[simpod.node], slot)

    def _forget(self, key: Key) -> None:
        simpod = self.pods.pop(key, None)
        self.dirty.pop(key, None)
        self.doomed.pop(key, None)
        if simpod is not None and simpod.pod_ip:
            last = simpod.pod_ip.rsplit(".", 1)[-1]
            if last.isdigit():
                self.used_slots.get(simpod.node, set()).discard(int(last) - 1)

    def _begin_termination(self, simpod: SimPod, pod: dict, now: float) -> None:
        if simpod.delete_at != NEVER:
            return
        grace = pod["metadata"].get("deletionGracePeriodSeconds")
        delay = sim.TERMINATE_SECONDS if grace is None else min(sim.TERMINATE_SECONDS,
                                                                 float(grace))
        simpod.delete_at = now + delay
        self._push(simpod.delete_at, simpod.key)

    def _schedule(self, simpod: SimPod, now: float) -> None:
        due = simpod.advance(now)
        if simpod.signature(now) != simpod.written:
            self.dirty[simpod.key] = None
        if due != NEVER:
            self._push(due, simpod.key)

    def _push(self, due: float, key: Key) -> None:
        heapq.heappush(self.timers, (due, next(self.seq), key))

    def _fire_timers(self, now: float) -> None:
        while self.timers and self.timers[0][0] <= now:
            _, _, key = heapq.heappop(self.timers)
            simpod = self.pods.get(key)
            if simpod is None:
                continue
            if simpod.node in self.failed:
                self.parked.setdefault(simpod.node, []).append(key)
            elif simpod.delete_at <= now:
                self.doomed[key] = None
            else:
                self._schedule(simpod, now)

    # --- writing ---------------------------------------------------------------
    def _write_batch(self, now: float) -> bool:
        """Confirm due deletions and write up to one batch of pod statuses."""
        deletes, statuses = [], []  # (key, op) and (key, change)
        for key in list(self.doomed)[:sim.WRITE_BATCH]:
            self.doomed.pop(key)
            deletes.append((key, self._delete_op(self.pods[key])))
        for key in list(self.dirty)[:max(0, sim.WRITE_BATCH - len(deletes))]:
            self.dirty.pop(key)
            simpod = self.pods[key]
            if simpod.node in self.failed:  # a dead node writes nothing until revived
                self.parked.setdefault(simpod.node, []).append(key)
                continue
            simpod.advance(now)
            if not simpod.pod_ip:
                self._assign_ip(simpod)
            simpod.written = simpod.signature(now)
            statuses.append((key, self._status_change(simpod, now)))
        if not deletes and not statuses:
            return False
        gone = []
        if deletes:
            run_batch([op for _, op in deletes], size=sim.WRITE_BATCH,
                      on_error=lambda op, exc: None)
            gone += [key for key, _ in deletes]  # deleted, or gone already
        if statuses:
            # One UPDATE for the batch and one INSERT of its watch events (store_batch),
            # rather than a savepoint and three statements per pod.
            results = store_batch.mutate_many("Pod", [
                (self.pods[key].namespace, self.pods[key].name, change)
                for key, change in statuses], subresource="status")
            gone += [key for (key, _), result in zip(statuses, results, strict=True)
                     if not isinstance(result, dict)]  # gone, or replaced by a namesake
        self.writes += len(deletes) + len(statuses)
        for key in gone:
            self._forget(key)
        return True

    def _status_change(self, simpod: SimPod, now: float):
        host_ip = self.host_ips[simpod.node]

        def change(current: dict) -> dict:
            if current["metadata"].get("uid") != simpod.uid:
                raise NotFound("replaced by another pod of the same name")
            current["status"] = pod_status(
                current, simpod.views(now), now=format_time_now(), host_ip=host_ip,
                pod_ip=simpod.pod_ip, start_time=simpod.start_time or rfc3339(now))
            return current
        return change

    def _delete_op(self, simpod: SimPod):
        def confirm() -> dict:
            obj, _gone = store.delete("Pod", simpod.namespace, simpod.name, grace_seconds=0,
                                      precondition_uid=simpod.uid)
            return obj
        confirm.deletes = True  # type: ignore[attr-defined]
        return confirm

    # --- nodes -----------------------------------------------------------------
    def _renew_due_leases(self, mono: float) -> None:
        interval = self.lease_interval
        due: list[str] = []
        for _ in range(len(self.leases)):
            name = self.leases[0]
            if self.last_renew.get(name, 0.0) + interval > mono:
                break
            self.leases.rotate(-1)
            if name not in self.failed:
                due.append(name)
                self.last_renew[name] = mono
        if due:
            node_agent.renew_leases(due, duration=sim.LEASE_DURATION_SECONDS,
                                    batch_size=sim.WRITE_BATCH * 4)
            self.writes += len(due)

    def _check_failures(self) -> None:
        try:
            wanted = fleet.failed_nodes(set(self.index))
        except ApiError as exc:
            log.warning("cannot read the failed-nodes setting: %s", exc)
            return
        newly_failed, revived = sorted(wanted - self.failed), sorted(self.failed - wanted)
        self.failed = wanted
        if newly_failed:
            self._report_failed(newly_failed)
        if revived:
            log.info("reviving nodes: %s", ", ".join(revived[:10]))
            node_agent.set_nodes_ready(revived, True)
            node_agent.renew_leases(revived, duration=sim.LEASE_DURATION_SECONDS)
            mono, now = time.monotonic(), time.time()
            for name in revived:
                self.last_renew[name] = mono
                for key in self.parked.pop(name, []):
                    if key in self.pods:
                        self._push(now, key)

    def _report_failed(self, names: list[str]) -> None:
        # A dead kubelet writes nothing; the node lifecycle controller would mark it
        # Unknown once its lease expires. The simulator says so at once, in the
        # controller's words, so demos need not wait 40 s.
        log.info("failing nodes: %s", ", ".join(names[:10]))
        node_agent.set_nodes_ready(names, False, reason="NodeStatusUnknown",
                                   message="Kubelet stopped posting node status.",
                                   status="Unknown")


def format_time_now() -> str:
    return format_time(timezone.now())
