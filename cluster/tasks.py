"""Store housekeeping run by Celery: watch-history compaction and expired pod grace periods.

Cascading deletion and namespace emptying used to be swept here; they are now the
garbage collector and namespace controllers (cluster/controllers/gc.py, namespace.py),
driven by store events. What is left is time-driven, with no event to react to.
"""
from __future__ import annotations

import json
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cluster import store
from cluster.errors import ApiError, NotFound
from cluster.models import Pod

log = logging.getLogger(__name__)


@shared_task(name="cluster.tasks.compact_watch_history", ignore_result=True)
def compact_watch_history() -> int:
    # Watches keep WATCH_HISTORY_SECONDS; the dashboard's time travel keeps the map's kinds
    # for HISTORY_SECONDS below the watches' compacted mark (dashboard/history_retention.py).
    from dashboard import history_retention

    return history_retention.compact(settings.WATCH_HISTORY_SECONDS, settings.HISTORY_SECONDS)


@shared_task(name="cluster.tasks.ping", ignore_result=False)
def ping() -> str:
    return "pong"


@shared_task(name="cluster.tasks.sweep_deletions", ignore_result=True)
def sweep_deletions() -> int:
    """Remove pods whose deletion grace period has ended (their kubelet never confirmed:
    a node that is gone, or none at all). Level-triggered: safe to run twice."""
    removed = 0
    for body in Pod.objects.filter(deletion_timestamp__lte=timezone.now()) \
            .values_list("body", flat=True):
        m = json.loads(body)["metadata"]
        if m.get("deletionGracePeriodSeconds") == 0:
            continue  # already past its grace: only finalizers hold it
        try:
            store.delete("Pod", m["namespace"], m["name"], grace_seconds=0)
            removed += 1
        except NotFound:
            pass
        except ApiError as exc:
            log.warning("could not remove pod %s/%s: %s", m["namespace"], m["name"], exc)
    return removed
