"""Watch-history compaction that keeps the map's kinds longer, for time travel.

Two windows over the same WatchEvent rows (why one table and not a copy: dashboard/history.py):

- the watch window (settings.WATCH_HISTORY_SECONDS): what watches and dashboard sockets
  may resume from. The `compacted` mark moves exactly as store.compact moves it, so a
  watch from an older resourceVersion still gets 410 and never reads a thinned history;
- the history window (settings.HISTORY_SECONDS): rows of the kinds the map draws stay
  below that mark until they are this old. Leases, ConfigMaps and the like, which change
  every few seconds and draw nothing, still go with the watch window.
"""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cluster import store
from cluster.models import Revision, WatchEvent
from dashboard.visibility import KINDS


def compact(watch_seconds: int, history_seconds: int,
            kinds: tuple[str, ...] = KINDS) -> int:
    """Compact for watches, keep `kinds` for the history window; returns the compacted mark."""
    if history_seconds <= watch_seconds:
        return store.compact(watch_seconds)
    now = timezone.now()
    store.compact(history_seconds)  # past the history window nothing is kept
    with transaction.atomic():
        last = (WatchEvent.objects.filter(created__lt=now - timedelta(seconds=watch_seconds))
                .order_by("-revision").values_list("revision", flat=True).first())
        if last is None:
            return int(Revision.objects.filter(id=1).values_list("compacted", flat=True)
                       .first() or 0)
        WatchEvent.objects.filter(revision__lte=last).exclude(kind__in=kinds).delete()
        # Compare-and-set, as store.compact does: a concurrent run may have gone further.
        Revision.objects.filter(id=1, compacted__lt=last).update(compacted=last)
    return int(last)
