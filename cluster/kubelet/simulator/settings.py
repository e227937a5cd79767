"""Simulator timings and rates, from the environment (short by default, for class)."""
from __future__ import annotations

from config.env import env_float, env_int

# Pod lifecycle: ContainerCreating as soon as seen, Running CREATING_SECONDS later.
CREATING_SECONDS = env_float("KUBELAB_SIM_CREATING_SECONDS", 0.5)
# readinessProbe.initialDelaySeconds is honoured, scaled by this (0 = ready at once).
PROBE_DELAY_SCALE = env_float("KUBELAB_SIM_PROBE_DELAY_SCALE", 1.0)
# How long a deleted pod takes to stop before its deletion is confirmed (capped by its grace).
TERMINATE_SECONDS = env_float("KUBELAB_SIM_TERMINATE_SECONDS", 0.3)
# CrashLoopBackOff: first delay, doubling up to the cap (Kubernetes: 10 s to 300 s).
BACKOFF_SECONDS = env_float("KUBELAB_SIM_BACKOFF_SECONDS", 1.0)
BACKOFF_MAX_SECONDS = env_float("KUBELAB_SIM_BACKOFF_MAX_SECONDS", 30.0)
# Leases: renewed every LEASE_SECONDS, but never more than LEASE_WRITES_PER_SECOND in
# total, so 1,000 nodes renew every 10 s (Kubernetes' own default interval) instead of
# spending the store's single writer on heartbeats.
LEASE_SECONDS = env_float("KUBELAB_SIM_LEASE_SECONDS", 2.0)
LEASE_WRITES_PER_SECOND = env_float("KUBELAB_SIM_LEASE_WRITES_PER_SECOND", 100.0)
LEASE_DURATION_SECONDS = env_int("KUBELAB_SIM_LEASE_DURATION_SECONDS", 40, minimum=1)
# The node lifecycle controller's grace (same variable it reads): a lease older than
# this makes the node Unknown and its pods evicted, so renewals never space out
# beyond half of it, whatever the write-rate wish above says.
NODE_GRACE_SECONDS = env_float("KUBELAB_NODE_GRACE_SECONDS", 10.0)
# Full re-list of this simulator's pods (catches anything the event stream missed).
RESYNC_SECONDS = env_float("KUBELAB_SIM_RESYNC_SECONDS", 30.0)
# How often the failed-nodes switch (ConfigMap kube-system/kubelab-settings) is read.
FAILURE_POLL_SECONDS = env_float("KUBELAB_SIM_FAILURE_POLL_SECONDS", 1.0)
# Store writes per transaction; the revision lock is held for a whole batch.
WRITE_BATCH = env_int("KUBELAB_SIM_WRITE_BATCH", 50, minimum=1)
