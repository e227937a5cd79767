"""The Docker kubelet's settings, from the environment (defaults that suit a class)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from config.env import env_float, env_int, env_str


@dataclass(frozen=True)
class KubeletSettings:
    cpu: str = "4"
    memory: str = "8Gi"
    max_pods: int = 110
    zone: str = "zone-a"
    # Kubernetes backs off 10 s doubling to 300 s; a class wants to see it sooner.
    backoff_initial: float = 2.0
    backoff_max: float = 60.0
    default_memory_limit: int = 256 * 1024 * 1024
    pids_limit: int = 256
    lease_seconds: float = 2.0
    resync_seconds: float = 10.0
    workers: int = 4
    network: str = ""  # Docker network for pause containers ("" = the default bridge)
    pods_dir: Path = Path("/tmp/kubelab-pods")
    # Several clusters (a `make run`, test sessions) may share one engine and all have a
    # "node-1": containers carry this id so no kubelet touches another cluster's.
    cluster_id: str = "default"


def load() -> KubeletSettings:
    return KubeletSettings(
        cpu=env_str("KUBELAB_NODE_CPU", "4"),
        memory=env_str("KUBELAB_NODE_MEMORY", "8Gi"),
        max_pods=env_int("KUBELAB_NODE_PODS", 110, minimum=1),
        zone=env_str("KUBELAB_NODE_ZONE", "zone-a"),
        backoff_initial=env_float("KUBELAB_BACKOFF_INITIAL", 2.0),
        backoff_max=env_float("KUBELAB_BACKOFF_MAX", 60.0),
        default_memory_limit=env_int("KUBELAB_DEFAULT_MEMORY_LIMIT", 256 * 1024 * 1024,
                                     minimum=4 * 1024 * 1024),
        pids_limit=env_int("KUBELAB_PIDS_LIMIT", 256, minimum=8),
        lease_seconds=env_float("KUBELAB_LEASE_RENEW_SECONDS", 2.0),
        resync_seconds=env_float("KUBELAB_KUBELET_RESYNC_SECONDS", 10.0),
        workers=env_int("KUBELAB_KUBELET_WORKERS", 4, minimum=1),
        network=env_str("KUBELAB_DOCKER_NETWORK", ""),
        pods_dir=Path(settings.VAR_DIR) / "pods",
        cluster_id=cluster_id(),
    )


def cluster_id() -> str:
    """Stable per cluster: its var dir and database identify it."""
    db = settings.DATABASES["default"]
    text = f"{Path(settings.VAR_DIR).resolve()}|{db.get('HOST', '')}|{db.get('NAME', '')}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12]
