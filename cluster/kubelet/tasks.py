"""Celery tasks on a node's queue (`node.NAME`): thin handoffs to the kubelet of that node."""
from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger("kubelab.kubelet")


@shared_task(name="kubelet.sync_pod", ignore_result=True)
def sync_pod(namespace: str, name: str) -> None:
    """Hand the pod key to this process's kubelet; its keyed queue does the work, so
    the solo worker is free for the next key at once."""
    from cluster.kubelet.kubelet_worker import current

    kubelet = current()
    if kubelet is None:
        log.warning("sync_pod %s/%s arrived in a process without a kubelet", namespace, name)
        return
    kubelet.submit(namespace, name)
