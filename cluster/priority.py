"""Priority admission: a pod's spec.priorityClassName becomes spec.priority, as
Kubernetes' Priority admission plugin does at creation."""
from __future__ import annotations

import json

from cluster.errors import Forbidden


def resolve_priority(pod: dict) -> None:
    """Set spec.priority (and preemptionPolicy) from the named PriorityClass, or from the
    globalDefault class when none is named, else 0. Runs inside the store's create
    transaction. An unknown class is refused with 403, as Kubernetes does."""
    from cluster.models import PriorityClass

    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return
    name = spec.get("priorityClassName")
    bodies = [json.loads(b) for b in PriorityClass.objects.values_list("body", flat=True)]
    if name:
        pc = next((b for b in bodies if b["metadata"]["name"] == name), None)
        if pc is None:
            raise Forbidden(f'pods "{(pod.get("metadata") or {}).get("name", "")}" is '
                            f"forbidden: no PriorityClass with name {name} was found",
                            kind="pods")
    else:
        pc = next((b for b in bodies if b.get("globalDefault")), None)
        if pc is None:
            spec.setdefault("priority", 0)
            return
        spec["priorityClassName"] = pc["metadata"]["name"]
    spec["priority"] = int(pc.get("value") or 0)
    spec.setdefault("preemptionPolicy", pc.get("preemptionPolicy") or "PreemptLowerPriority")
