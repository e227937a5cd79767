"""The pause switch (ConfigMap kube-system/kubelab-settings) stops the control loops;
every reconcile publishes a record for the dashboard."""
from __future__ import annotations

import json
import time

import redis

from tests.controllers.helpers import active, replicaset, wait_for


def test_pausing_stops_reconciles_and_resuming_catches_up(api, ns, cluster):
    channel = cluster.env["KUBELAB_EVENTS_CHANNEL"] + ":reconciles"
    sub = redis.Redis.from_url(cluster.env["REDIS_URL"]).pubsub()
    sub.subscribe(channel)
    api.set_settings({"controllers.paused": "true"})
    try:
        # The worker caches the switches for a second: let that pass before writing.
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            time.sleep(0.1)
        api.call("POST", f"/apis/apps/v1/namespaces/{ns}/replicasets", replicaset("pz", 2))
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            assert not active(api.pods(ns)), "a paused controller created pods"
            time.sleep(0.1)
    finally:
        api.set_settings({"controllers.paused": "false"})
    wait_for(lambda: len(active(api.pods(ns))) == 2, "pods after resume")
    records = []
    end = time.monotonic() + 5
    while time.monotonic() < end and not any(r.get("key") == f"{ns}/pz" for r in records):
        msg = sub.get_message(timeout=0.5)
        if msg and msg["type"] == "message":
            records.append(json.loads(msg["data"]))
    mine = [r for r in records if r.get("key") == f"{ns}/pz"]
    assert mine and mine[0]["controller"] == "replicaset"
    assert {"desired", "observed", "actions", "durationMs", "result"} <= set(mine[0])
