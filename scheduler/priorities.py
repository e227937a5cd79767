"""Borg's priority bands as PriorityClasses, and resolving a pod's priorityClassName.

Borg (§2.5): monitoring > production > batch > best-effort; "prod" is the top two
bands, and prod tasks never preempt each other. Kubernetes priorities are plain
integers; the bands are PriorityClasses with these names and values.
"""
from __future__ import annotations

from cluster.errors import AlreadyExists, NotFound

BANDS: tuple[tuple[str, int, str], ...] = (
    ("monitoring", 1_000_000, "Borg's monitoring band: never preempted by anything else."),
    ("production", 100_000, "Borg's production band: preempts batch and best-effort; "
                            "never preempted by other production work under the borg profile."),
    ("batch", 1_000, "Borg's batch band: runs in what production leaves; preemptible."),
    ("best-effort", 0, "Borg's best-effort band: the first to go."),
)
PRODUCTION = dict((name, value) for name, value, _ in BANDS)["production"]


def ensure_priority_classes() -> list[str]:
    """Create the four bands unless they exist (bootstrap calls this); names created."""
    from cluster import store

    created = []
    for name, value, description in BANDS:
        try:
            store.create("PriorityClass", {
                "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                "metadata": {"name": name, "labels": {"kubelab.io/borg-band": "true"}},
                "value": value, "globalDefault": False,
                "preemptionPolicy": "PreemptLowerPriority", "description": description})
            created.append(name)
        except AlreadyExists:
            pass
    return created


def priority_of(pod: dict) -> int:
    """The pod's priority for the scheduler: spec.priority, else its class's value
    (until admission resolves it), else 0."""
    spec = pod.get("spec") or {}
    if spec.get("priority") is not None:
        return int(spec["priority"])
    name = spec.get("priorityClassName")
    if not name:
        return 0
    from cluster import store
    try:
        return int(store.get("PriorityClass", "", name).get("value") or 0)
    except NotFound:
        return 0
