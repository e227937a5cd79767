"""The controllers' settings, from the environment (defaults suit one laptop and a class).

Run-time switches (control-loop delay, pause) are not here: they live in the ConfigMap
kube-system/kubelab-settings so a teacher can change them through the API (see `switches`).
"""
from __future__ import annotations

from config.env import env_float, env_int

# A node whose Lease is not renewed for this long goes Ready=Unknown (Kubernetes: 40-50 s).
NODE_GRACE_SECONDS = env_float("KUBELAB_NODE_GRACE_SECONDS", 10.0)
# Pods on an unreachable node without their own toleration go after this (Kubernetes: 300 s).
EVICTION_TOLERATION_SECONDS = env_int("KUBELAB_EVICTION_TOLERATION_SECONDS", 5, minimum=0)
# How often beat re-queues every object's key (informer resync).
RESYNC_SECONDS = env_float("KUBELAB_CONTROLLERS_RESYNC_SECONDS", 15.0)
# How often the node lifecycle monitor compares leases with node conditions.
NODE_MONITOR_SECONDS = env_float("KUBELAB_NODE_MONITOR_SECONDS", 1.0)
# A per-key lock expires after this, so a SIGKILLed worker cannot hold a key for ever.
LOCK_SECONDS = env_int("KUBELAB_CONTROLLERS_LOCK_SECONDS", 60, minimum=1)
# A queued-key marker expires after this, so a lost task message cannot block a key.
QUEUED_MARK_SECONDS = env_int("KUBELAB_CONTROLLERS_QUEUED_SECONDS", 30, minimum=1)
# Exponential backoff for temporary errors and conflicts: base * 2**failures, capped.
BACKOFF_BASE_SECONDS = env_float("KUBELAB_CONTROLLERS_BACKOFF_BASE", 0.05)
BACKOFF_MAX_SECONDS = env_float("KUBELAB_CONTROLLERS_BACKOFF_MAX", 30.0)
# Pods a ReplicaSet creates or deletes in one reconcile; the rest follow in the next one,
# so one huge ReplicaSet does not starve the others (Kubernetes' burstReplicas: 500).
BURST_PODS = env_int("KUBELAB_CONTROLLERS_BURST", 500, minimum=1)
# Pod creates go in slow-start batches 1, 2, 4, ... up to this many pods per batch.
SLOW_START_MAX = env_int("KUBELAB_CONTROLLERS_SLOW_START_MAX", 500, minimum=1)
# How long the run-time switches are cached before the ConfigMap is read again.
SWITCHES_CACHE_SECONDS = env_float("KUBELAB_CONTROLLERS_SWITCHES_CACHE", 1.0)
SWITCHES_NAMESPACE = "kube-system"
SWITCHES_NAME = "kubelab-settings"
# The Redis pub/sub channel each reconcile's record is published on (for the dashboard).
RECONCILE_CHANNEL = "kubelab:reconciles"
QUEUE = "controllers"
