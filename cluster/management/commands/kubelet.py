"""`manage.py kubelet NAME`: run the Docker kubelet of node NAME (Celery worker + agent)."""
from __future__ import annotations

import logging

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the kubelet of one node on the local Docker engine (queue node.NAME)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="the node name, e.g. node-1")
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, **options) -> None:
        from cluster.kubelet.kubelet_worker import run

        logging.basicConfig(level=options["loglevel"],
                            format=f"%(asctime)s {options['name']} %(levelname)s %(message)s")
        run(options["name"], options["loglevel"])
