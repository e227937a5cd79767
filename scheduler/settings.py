"""The scheduler's settings: deployment ones from the environment, run-time switches
(the cluster's default profile) from the ConfigMap kube-system/kubelab-settings."""
from __future__ import annotations

import time

from config.env import env_bool, env_float, env_int

# Record the decision annotation on every pod (the benchmark measures its cost).
EXPLAIN = env_bool("KUBELAB_SCHEDULER_EXPLAIN", True)
# Override kube-scheduler's adaptive percentageOfNodesToScore (0: adaptive).
PERCENTAGE_OF_NODES_TO_SCORE = env_int("KUBELAB_SCHEDULER_PERCENTAGE_OF_NODES", 0, minimum=0)
# Equivalence classes + score caching (Borg §3.4); off only to measure what they buy.
EQUIVALENCE_CACHE = env_bool("KUBELAB_SCHEDULER_EQUIVALENCE_CACHE", True)
BACKOFF_INITIAL = env_float("KUBELAB_SCHEDULER_BACKOFF_INITIAL", 1.0)
BACKOFF_MAX = env_float("KUBELAB_SCHEDULER_BACKOFF_MAX", 10.0)
# Unschedulable pods are retried at least this often even with no cluster change.
UNSCHEDULABLE_FLUSH = env_float("KUBELAB_SCHEDULER_UNSCHEDULABLE_FLUSH", 30.0)
# A drain task hands the worker back after this long (and queues a successor).
DRAIN_SECONDS = env_float("KUBELAB_SCHEDULER_DRAIN_SECONDS", 20.0)
# Decisions show this many best nodes, plus counts per rejection reason.
EXPLAIN_TOP_NODES = env_int("KUBELAB_SCHEDULER_EXPLAIN_TOP", 20, minimum=1)

SETTINGS_NAMESPACE, SETTINGS_NAME = "kube-system", "kubelab-settings"
_cached: tuple[float, dict[str, str]] = (0.0, {})


def cluster_settings(max_age: float = 2.0) -> dict[str, str]:
    """The run-time settings ConfigMap's data, re-read at most every `max_age` seconds."""
    global _cached
    now = time.monotonic()
    if now - _cached[0] < max_age:
        return _cached[1]
    from cluster import store
    from cluster.errors import NotFound
    try:
        data = store.get("ConfigMap", SETTINGS_NAMESPACE, SETTINGS_NAME).get("data") or {}
    except NotFound:
        data = {}
    _cached = (now, {str(k): str(v) for k, v in data.items()})
    return _cached[1]
