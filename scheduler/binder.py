"""The scheduler's writes, all through the store: the binding (a conditional write that
fails if the pod already has a node, so a pod is bound once, never twice), the
Unschedulable condition, nominatedNodeName, preemption's evictions, and Events."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import DatabaseError, transaction

from cluster import admission, store, store_batch
from cluster.errors import ApiError, Conflict, NotFound
from cluster.objects import dumps, format_time
from cluster.recorder import record
from scheduler.explain import ANNOTATION
from scheduler.plugins.default_preemption import Preemption

log = logging.getLogger(__name__)
COMPONENT = "default-scheduler"


Decision = dict | str | None  # a decision record, or the JSON text of one


def _annotate(pod: dict, decision: Decision) -> None:
    if decision:
        meta = pod.setdefault("metadata", {})
        annotations = meta.get("annotations") or {}
        annotations[ANNOTATION] = decision if isinstance(decision, str) else dumps(decision)
        meta["annotations"] = annotations


def _binding(name: str, uid: str, node: str, decision: Decision):
    """The conditional binding change: refused (Conflict) if the pod already has a node,
    is being deleted, or is another pod of the same name."""
    def change(pod: dict) -> dict:
        m = pod.get("metadata") or {}
        current = (pod.get("spec") or {}).get("nodeName")
        if current:
            raise Conflict(f'pod {name} is already assigned to node "{current}"',
                           kind="pods/binding", name=name)
        if m.get("deletionTimestamp") or (uid and m.get("uid") != uid):
            raise Conflict(f"pod {name} is being deleted or was replaced",
                           kind="pods/binding", name=name)
        _annotate(pod, decision)
        status = pod.setdefault("status", {})
        status.pop("nominatedNodeName", None)
        return admission.bind_pod(pod, node)
    return change


def bind(namespace: str, name: str, uid: str, node: str, decision: Decision) -> dict:
    """Bind, with the decision annotation in the same write. Raises Conflict if the pod
    already has a node, is being deleted, or is another pod of the same name."""
    return store.mutate("Pod", namespace, name, _binding(name, uid, node, decision),
                        subresource="binding")


@dataclass
class Binding:
    """One pod's decision, waiting for its batch's transaction."""

    key: str
    pod: dict  # as read at the start of the batch
    node: str
    # The record's JSON text: serialised as soon as the cycle ends (scheduler/worker.py),
    # so a batch does not keep thousands of small dicts and lists alive until it commits.
    decision: Decision
    error: ApiError | None = None  # set when this pod's binding was refused


def bind_many(bindings: list[Binding], events: bool = True) -> list[Binding]:
    """Every binding (with its annotation) and every Scheduled Event in ONE transaction
    of a few statements (cluster/store_batch.py). Each pod still gets the conditional
    change `bind` makes, so a pod that already has a node (or was deleted) is refused
    alone and the rest commit. Returns the refused ones, `error` set."""
    changes = []
    for b in bindings:
        m = b.pod["metadata"]
        changes.append((m["namespace"], m["name"],
                        _binding(m["name"], m.get("uid", ""), b.node, b.decision)))
    refused: list[Binding] = []
    with transaction.atomic():
        results = store_batch.mutate_many("Pod", changes, subresource="binding")
        bound = []
        for b, result in zip(bindings, results, strict=True):
            if isinstance(result, ApiError):
                b.error = result
                refused.append(b)
            else:
                bound.append(scheduled_event_body(result, b.node))
        if events and bound:
            try:
                with transaction.atomic():  # Events are best effort: never undo a binding
                    store_batch.create_many("Event", bound)
            except DatabaseError as exc:
                log.warning("could not record %d Scheduled events: %s", len(bound), exc)
    return refused


def scheduled_event_body(pod: dict, node: str) -> dict:
    """The Scheduled Event, named as cluster/recorder.py names events (object name and a
    digest), so a later `record` of the same event folds into this one."""
    m = pod["metadata"]
    message = f"Successfully assigned {m['namespace']}/{m['name']} to {node}"
    digest = hashlib.sha1(f"{m.get('uid', '')}|Scheduled|{message}|{COMPONENT}".encode(),
                          usedforsecurity=False).hexdigest()[:10]
    now = format_time(datetime.now(UTC))
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{m['name'][:200]}.{digest}", "namespace": m["namespace"]},
            "involvedObject": {"kind": "Pod", "apiVersion": "v1", "name": m["name"],
                               "namespace": m["namespace"], "uid": m.get("uid", ""),
                               "resourceVersion": m.get("resourceVersion", "")},
            "reason": "Scheduled", "message": message, "type": "Normal",
            "source": {"component": COMPONENT}, "count": 1, "firstTimestamp": now,
            "lastTimestamp": now, "reportingComponent": COMPONENT, "reportingInstance": ""}


def unschedulable(pod: dict, message: str, decision: Decision,
                  nominated: str = "") -> None:
    """PodScheduled=False/Unschedulable with the message (status write), the decision
    annotation (metadata write), a FailedScheduling Event."""
    m = pod["metadata"]
    now = format_time(datetime.now(UTC))

    def status_change(current: dict) -> dict:
        status = current.setdefault("status", {})
        conds = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
        old = next((c for c in status.get("conditions") or []
                    if c.get("type") == "PodScheduled"), {})
        conds.append({"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                      "message": message, "lastProbeTime": None,
                      "lastTransitionTime": old.get("lastTransitionTime", now)
                      if old.get("status") == "False" else now})
        status["conditions"] = conds
        if nominated:
            status["nominatedNodeName"] = nominated
        return current

    def annotate(current: dict) -> dict:
        _annotate(current, decision)
        return current

    try:
        store.mutate("Pod", m["namespace"], m["name"], status_change, subresource="status")
        if decision:
            store.mutate("Pod", m["namespace"], m["name"], annotate)
    except NotFound:
        return
    except ApiError as exc:
        log.warning("could not mark %s/%s unschedulable: %s", m["namespace"], m["name"], exc)
    record(pod, "FailedScheduling", message, event_type="Warning", component=COMPONENT)


def preempt(pod: dict, preemption: Preemption) -> None:
    """Evict the victims gracefully, each with an Event naming the preemptor."""
    m = pod["metadata"]
    for victim in preemption.victims:
        try:
            obj = store.get("Pod", victim.namespace, victim.name)
        except NotFound:
            continue
        grace = (obj.get("spec") or {}).get("terminationGracePeriodSeconds")
        try:
            store.delete("Pod", victim.namespace, victim.name,
                         grace_seconds=None if grace is None else int(grace))
        except (NotFound, ApiError) as exc:
            log.warning("could not preempt %s: %s", victim.key, exc)
            continue
        record(obj, "Preempted",
               f"Preempted by pod {m['namespace']}/{m['name']} (priority "
               f"{(pod.get('spec') or {}).get('priority', 0)}) on node {preemption.node}",
               event_type="Normal", component=COMPONENT)
