"""Starting a drain when there is work, without flooding the broker: at most one drain
task is waiting at a time (a Redis flag, cleared when the drain starts)."""
from __future__ import annotations

from datetime import datetime

from scheduler import profiles, queue

FLAG = queue.PREFIX + "kick"


def kick(force: bool = False) -> None:
    if force or queue.client().set(FLAG, "1", nx=True, ex=60):
        from scheduler.tasks import drain
        drain.apply_async(queue="scheduler")


def clear() -> None:
    queue.client().delete(FLAG)


def ours(pod: dict) -> bool:
    spec = pod.get("spec") or {}
    return spec.get("schedulerName", profiles.DEFAULT) in profiles.NAMES \
        and not spec.get("nodeName") \
        and not (pod.get("metadata") or {}).get("deletionTimestamp") \
        and (pod.get("status") or {}).get("phase", "Pending") == "Pending"


def pod_key(pod: dict) -> str:
    m = pod.get("metadata") or {}
    return f"{m.get('namespace', '')}/{m.get('name', '')}"


def priority_hint(pod: dict) -> int:
    """For queue order only; the cycle resolves priorityClassName itself if needed."""
    return int((pod.get("spec") or {}).get("priority") or 0)


def created_ms(pod: dict) -> int:
    text = (pod.get("metadata") or {}).get("creationTimestamp") or ""
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return 0
