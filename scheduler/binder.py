"""The scheduler's writes, all through the store: the binding (a conditional write that
fails if the pod already has a node, so a pod is bound once, never twice), the
Unschedulable condition, nominatedNodeName, preemption's evictions, and Events."""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from cluster import admission, store
from cluster.errors import ApiError, Conflict, NotFound
from cluster.objects import format_time
from cluster.recorder import record
from scheduler.explain import ANNOTATION
from scheduler.plugins.default_preemption import Preemption

log = logging.getLogger(__name__)
COMPONENT = "default-scheduler"


def _annotate(pod: dict, decision: dict | None) -> None:
    if decision:
        meta = pod.setdefault("metadata", {})
        annotations = meta.get("annotations") or {}
        annotations[ANNOTATION] = json.dumps(decision, separators=(",", ":"))
        meta["annotations"] = annotations


def bind(namespace: str, name: str, uid: str, node: str, decision: dict | None) -> dict:
    """Bind, with the decision annotation in the same write. Raises Conflict if the pod
    already has a node, is being deleted, or is another pod of the same name."""
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

    return store.mutate("Pod", namespace, name, change, subresource="binding")


def scheduled_event(pod: dict, node: str) -> None:
    m = pod["metadata"]
    record(pod, "Scheduled", f"Successfully assigned {m['namespace']}/{m['name']} to {node}",
           component=COMPONENT)


def unschedulable(pod: dict, message: str, decision: dict | None,
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
