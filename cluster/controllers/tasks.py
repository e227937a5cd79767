"""The controllers' Celery tasks: thin wrappers around `runtime` (queue: controllers)."""
from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from cluster.controllers import nodelifecycle, resync, runtime
from cluster.controllers import settings as cs

log = logging.getLogger(__name__)


@shared_task(name="controllers.reconcile", ignore_result=True, acks_late=True)
def reconcile(controller: str, key: str) -> str:
    return runtime.run(controller, key)


@shared_task(name="controllers.resync", ignore_result=True)
def resync_all() -> int:
    return resync.resync()


@shared_task(name="controllers.monitor", ignore_result=True)
def monitor() -> int:
    """Every NODE_MONITOR_SECONDS: node leases, and keys parked while paused."""
    return nodelifecycle.monitor() + runtime.unpark()


@worker_ready.connect
def _on_worker_ready(sender=None, **_: object) -> None:
    """A controllers worker starting (again, perhaps after a SIGKILL) frees what its
    previous life held and queues every key, as an informer lists before watching."""
    try:
        queues = {q.name for q in sender.task_consumer.queues}
    except AttributeError:
        return
    if cs.QUEUE not in queues:
        return
    runtime.forget_dead_worker()
    log.info("controllers worker ready: resync queued %d keys", resync.resync())
