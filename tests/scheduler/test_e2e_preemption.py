"""End to end: a production-band pod on a full cluster preempts batch pods."""
from __future__ import annotations

from tests.scheduler.helpers import pod


def test_production_pod_preempts_batch_pods_and_victims_events_say_so(cluster):
    from kubernetes import client

    bands = {pc.metadata.name: pc.value
             for pc in client.SchedulingV1Api(cluster.k8s).list_priority_class().items}
    assert bands["monitoring"] > bands["production"] > bands["batch"] > bands["best-effort"]
    node = cluster.add_node("full", cpu="2")
    for i in range(2):
        cluster.create_pod(pod(f"batch-{i}", cpu="1", priorityClassName="batch",
                               terminationGracePeriodSeconds=1))
    cluster.wait_bound(["batch-0", "batch-1"])
    cluster.create_pod(pod("prod", cpu="1", priorityClassName="production"))
    events = cluster.wait(lambda: cluster.events("Preempted"), message="Preempted event")
    assert "Preempted by pod" in events[0]["message"] and "/prod" in events[0]["message"]
    assert events[0]["involvedObject"]["name"].startswith("batch-")
    assert len({e["involvedObject"]["name"] for e in events}) == 1  # the fewest victims
    assert cluster.wait_bound(["prod"], timeout=40) == {"prod": node}
