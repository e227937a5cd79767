"""bench/ui.py's writer: many bound pods, or a burst of label changes, straight through
the store of a running benchmark cluster.

bench/ui.py measures the dashboard, not the API: POSTing 10,000 pods takes minutes on a
small machine (about 60/s) and eight HTTP writers PATCH about 130 labels/s there, far
from the 500 changes/s the burst asks for. The store does both faster, and its writes
reach the dashboard exactly as the API's do (revision, watch event, Redis publish after
commit). Run it with the cluster's environment (DATABASE_URL, REDIS_URL, events channel):

    python bench/ui_seed.py seed NAMESPACE NODE_PREFIX NODES PODS
    python bench/ui_seed.py burst NAMESPACE PODS RATE SECONDS [SHARE SHARES]
    python bench/ui_seed.py snapshot      # what building the dashboard's snapshot costs

`seed` makes nodes NODE_PREFIX0001… and pods big-00000… spread round-robin over them.
`burst` sets label `burst` on pod big-(i % PODS) at RATE writes/s on a fixed schedule
(an open loop). Each prints one JSON line: seconds taken, writes done.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


TICK = 0.02  # seconds: 50 commits/s during a burst


def seed(namespace: str, prefix: str, nodes: int, pods: int) -> int:
    from django.db import transaction

    from bench.ui import pod_body
    from cluster import store
    from cluster.errors import AlreadyExists
    from tests.dashboard.helpers import node_body

    names = [f"{prefix}{i:04d}" for i in range(1, nodes + 1)]
    try:
        store.create("Namespace", {"metadata": {"name": namespace}})
    except AlreadyExists:
        pass
    for i, name in enumerate(names):
        store.create("Node", node_body(name, f"zone-{'abc'[i % 3]}", "64", "256Gi"))
    # A few hundred creates per transaction: one commit (and fsync) each would cap the
    # rate at the machine's commits per second.
    for start in range(0, pods, 250):
        with transaction.atomic():
            for i in range(start, min(pods, start + 250)):
                body = pod_body(f"big-{i:05d}", names[i % len(names)])
                body["metadata"]["namespace"] = namespace
                store.create("Pod", body)
    return nodes + pods


def burst(namespace: str, pods: int, rate: float, seconds: float, share: int = 0,
          shares: int = 1) -> int:
    """One store transaction per tick of TICK s holding that tick's share of the writes: a
    single writer commits about 100 transactions/s on a busy 2-core machine, so one write
    per transaction could not reach 500/s; the dashboard sees the same events either way
    (they are published per commit, in revision order). With `shares` > 1 this process
    does writes share, share + shares, ... (bench/ui.py runs one process per share)."""
    from django.db import transaction

    from cluster import store

    def label(value: str):
        def change(obj: dict) -> dict:
            obj["metadata"].setdefault("labels", {})["burst"] = value
            return obj
        return change

    total = int(rate * seconds)
    started = time.monotonic()
    done = 0
    while done < total:
        time.sleep(max(0.0, started + done / rate - time.monotonic()))
        # Everything due by now (at least one tick's worth), so a slow commit catches up.
        due = min(total, max(done + 1, int((time.monotonic() - started + TICK) * rate)))
        with transaction.atomic():
            for i in range(done, due):
                if i % shares == share:
                    store.mutate("Pod", namespace, f"big-{i % pods:05d}", label(str(i)))
        done = due
    return len(range(share, total, shares))


def snapshot_cost() -> dict:
    """What the first websocket message costs the server: build (read and slim every
    object) and serialise, as dashboard/consumers.py does, for an admin."""
    from cluster.auth import Principal
    from dashboard import snapshot

    admin = Principal(name="bench", is_admin=True)
    t0 = time.monotonic()
    snap = snapshot.build(admin)
    t1 = time.monotonic()
    text = json.dumps(snap, separators=(",", ":"))
    t2 = time.monotonic()
    return {"build_s": round(t1 - t0, 3), "dump_s": round(t2 - t1, 3),
            "objects": len(snap["objects"]), "mb": round(len(text) / 1e6, 2)}


def main() -> None:
    import django
    django.setup()
    command, *args = sys.argv[1:]
    started = time.monotonic()
    if command == "seed":
        done = seed(args[0], args[1], int(args[2]), int(args[3]))
    elif command == "snapshot":
        print(json.dumps(snapshot_cost()))
        return
    elif command == "burst":
        done = burst(args[0], int(args[1]), float(args[2]), float(args[3]),
                     *(int(a) for a in args[4:6]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps({"seconds": round(time.monotonic() - started, 2), "writes": done}))


if __name__ == "__main__":
    main()
