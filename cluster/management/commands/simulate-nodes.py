"""`manage.py simulate-nodes N`: play N simulated nodes in this one process (see
cluster/kubelet/simulator). Stops cleanly on SIGTERM/SIGINT; restarting it re-adopts
its nodes and pods from the store."""
from __future__ import annotations

import logging
import signal
import sys

from django.core.management.base import BaseCommand

from cluster.kubelet.simulator.engine import Simulator
from cluster.kubelet.simulator.fleet import FAILED_NODES_KEY, FleetConfig

log = logging.getLogger("kubelab.simulator")


class Command(BaseCommand):
    help = "Simulate N nodes (like KWOK): register them, renew leases, run their pods."

    def add_arguments(self, parser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--prefix", default="sim-", help="node names: PREFIX1..PREFIXN")
        parser.add_argument("--zones", type=int, default=3)
        parser.add_argument("--cpu", default="4")
        parser.add_argument("--memory", default="16Gi")
        parser.add_argument("--pods", type=int, default=110)

    def handle(self, *args, **opts) -> None:
        cfg = FleetConfig(count=opts["count"], prefix=opts["prefix"], zones=opts["zones"],
                          cpu=str(opts["cpu"]), memory=str(opts["memory"]), pods=opts["pods"])
        simulator = Simulator(cfg)

        def stop(signum, _frame) -> None:
            simulator.stopping = True
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        took = simulator.start()
        print(f"simulator ready: {cfg.count} nodes {cfg.prefix}1..{cfg.prefix}{cfg.count} "
              f"Ready in {took:.1f}s, {len(simulator.pods)} pods adopted "
              f"(fail a node: ConfigMap kube-system/kubelab-settings "
              f"data[{FAILED_NODES_KEY}])", flush=True)
        simulator.run()
        print(f"simulator stopped ({simulator.writes} writes)", flush=True)
        sys.stdout.flush()
