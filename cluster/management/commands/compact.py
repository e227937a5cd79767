"""`manage.py compact`: drop watch history older than a window (default: the setting)."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from cluster import store


class Command(BaseCommand):
    help = "Compact the watch-event history; watches from older resourceVersions get 410."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--keep-seconds", type=int, default=settings.WATCH_HISTORY_SECONDS)

    def handle(self, *args, **options) -> None:
        revision = store.compact(options["keep_seconds"])
        self.stdout.write(f"compacted up to revision {revision}")
