"""`manage.py remove-containers`: remove every Docker container of this cluster, by label.

Kubelets leave pod containers running when they stop (a restarted kubelet adopts
them); a cluster that is being torn down for good (a test session, `make clean`)
removes them with this.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand

from cluster.kubelet.docker_runtime import L_CLUSTER
from cluster.kubelet.docker_settings import cluster_id


class Command(BaseCommand):
    help = "Remove this cluster's containers (label kubelab.cluster=<this cluster's id>)."

    def handle(self, *args, **options) -> None:
        import docker

        try:
            client = docker.from_env(timeout=30)
            client.ping()
        except Exception as exc:  # no engine: nothing of ours can be running
            self.stdout.write(f"no Docker engine answers ({type(exc).__name__}); nothing to do")
            return
        ours = client.containers.list(all=True, filters={"label": f"{L_CLUSTER}={cluster_id()}"})
        for container in ours:
            container.remove(force=True)
        self.stdout.write(f"removed {len(ours)} container(s)")
