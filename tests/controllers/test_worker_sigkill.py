"""SIGKILL the controllers worker while a 50-replica Deployment is being created, start
it again: exactly 50 pods, never more, every time.

Rounds default to 10 (about two minutes here); KUBELAB_SIGKILL_ROUNDS changes that.
The kill lands at a different moment each round (0 to 0.6 s after the create), so
rounds hit the Deployment, ReplicaSet creation and pod batches in different states.
"""
from __future__ import annotations

import os
import threading
import time

from tests.controllers import workers
from tests.controllers.helpers import active, deployment, wait_for

DEP = "/apis/apps/v1/namespaces/{ns}/deployments"
REPLICAS = 50
ROUNDS = int(os.environ.get("KUBELAB_SIGKILL_ROUNDS") or 10)


def test_sigkilled_worker_loses_nothing_and_duplicates_nothing(api, ns, cluster):
    restarted = []
    try:
        for i in range(ROUNDS):
            peak = Peak(api, ns)
            worker = workers.find_controllers_worker(cluster.env)
            code, body = api.call("POST", DEP.format(ns=ns), deployment(f"k{i}", REPLICAS))
            assert code == 201, body
            time.sleep(0.06 * i)  # where the kill lands, not a wait for an outcome
            workers.kill(worker)
            killed_with = len(active(api.pods(ns)))
            restarted.append(workers.restart(worker, cluster.var_dir / "restarted.log"))
            wait_for(lambda: len(active(api.pods(ns))) == REPLICAS, f"round {i}: 50 pods",
                     timeout=60)
            # Stay a moment: a duplicate would come from a late or repeated reconcile.
            wait_for(lambda i=i: _available(api, ns, f"k{i}") == REPLICAS,
                     f"round {i}: Deployment available", timeout=60)
            assert peak.close() == REPLICAS, (i, killed_with, peak.most)
            assert len(active(api.pods(ns))) == REPLICAS
            code, _ = api.call("DELETE", DEP.format(ns=ns) + f"/k{i}")
            assert code == 200
            wait_for(lambda: not active(api.pods(ns)), f"round {i}: pods gone", timeout=60)
    finally:
        for proc in restarted:
            workers.stop(proc)


class Peak:
    """The most active pods seen in a namespace, sampled as fast as the API answers."""

    def __init__(self, api, ns: str) -> None:
        self.api, self.ns, self.most = api, ns, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            self.most = max(self.most, len(active(self.api.pods(self.ns))))

    def close(self) -> int:
        self.stop.set()
        self.thread.join()
        return self.most


def _available(api, ns, name):
    d = api.call("GET", DEP.format(ns=ns) + f"/{name}")[1]
    return int((d.get("status") or {}).get("availableReplicas") or 0)
