"""Celery tasks on the `scheduler` queue: thin wrappers around the worker loop."""
from __future__ import annotations

import json
import time

from celery import shared_task

from scheduler import kick, queue, worker
from scheduler import settings as cfg

RESYNC_REVIVE_AFTER = 120.0  # a pod in flight this long lost its worker


@shared_task(name="scheduler.tasks.drain", ignore_result=True, queue="scheduler")
def drain() -> dict[str, int]:
    kick.clear()
    outcomes = worker.drain()
    if queue.sizes()["active"]:
        kick.kick(force=True)  # time ran out with work left: hand over to a successor
    return outcomes


@shared_task(name="scheduler.tasks.tick", ignore_result=True, queue="scheduler")
def tick() -> None:
    """Every second (beat): parked pods past the flush interval go to backoff; if any
    pod is ready, make sure a drain runs."""
    queue.unpark(time.time() - cfg.UNSCHEDULABLE_FLUSH)
    ready = queue.next_ready_in()
    if queue.sizes()["active"] or (ready is not None and ready <= 0):
        kick.kick()


@shared_task(name="scheduler.tasks.resync", ignore_result=True, queue="scheduler")
def resync() -> int:
    """Queue every pending, unbound pod (a missed event, a worker that died)."""
    from cluster.models import Pod

    added = 0
    for body in Pod.objects.filter(node_name="").exclude(phase__in=("Succeeded", "Failed")) \
            .filter(deletion_timestamp__isnull=True).values_list("body", flat=True):
        pod = json.loads(body)
        if kick.ours(pod):
            added += queue.add(kick.pod_key(pod), kick.priority_hint(pod),
                               kick.created_ms(pod),
                               revive_before=time.time() - RESYNC_REVIVE_AFTER)
    if added:
        kick.kick()
    return added


