"""`manage.py proxy`: the kube-proxy of the Docker runtime (NodePorts on 127.0.0.1)."""
from __future__ import annotations

import logging

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve every NodePort Service on 127.0.0.1:<nodePort>, round robin over its endpoints."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--relist-seconds", type=float, default=5.0,
                            help="full re-read of Services/Endpoints besides the event stream")
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, **options) -> None:
        from cluster.kubelet.proxy import run

        logging.basicConfig(level=options["loglevel"],
                            format="%(asctime)s proxy %(levelname)s %(message)s")
        run(options["relist_seconds"])
