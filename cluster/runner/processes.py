"""The single table of cluster processes, built from a ClusterConfig."""
from __future__ import annotations

import signal
from dataclasses import dataclass, field
from pathlib import Path

from cluster.runner.config import ClusterConfig
from cluster.runner.nginx import nginx_binary, write_nginx_conf

WSGI_WORKERS = 2
WSGI_THREADS = 8
# Two controller workers: a reconcile spends most of its time waiting on SQLite and
# Redis round trips, so a second process overlaps those waits (per-key Redis locks keep
# one worker per key). 100 Deployments x 5 went from 17 s to ... (docs/benchmarks.md).
CONTROLLER_WORKERS = 2


@dataclass(frozen=True)
class ProcessSpec:
    """One supervised process: a name for its log prefix, its argv, env and cwd."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    # Sent if the supervisor dies without stopping it (see proctree.die_with_parent).
    death_signal: int = signal.SIGKILL


def _celery_worker(cfg: ClusterConfig, queue: str, name: str = "") -> list[str]:
    # --pool solo: one task at a time per worker, which is what "one binding at a
    # time" (scheduler) and per-key ordering (controllers) rely on.
    return [
        cfg.python, "-m", "celery", "-A", "config", "worker",
        "-Q", queue, "-n", f"{name or queue}@%h", "--pool", "solo",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle",
    ]


def core_processes(cfg: ClusterConfig) -> list[ProcessSpec]:
    """The control plane: front proxy, API servers, controllers, scheduler, resync."""
    conf = write_nginx_conf(cfg)
    argvs: list[tuple[str, list[str]]] = [
        ("nginx", [nginx_binary(), "-e", "stderr", "-p", str(cfg.var_dir / "nginx"),
                   "-c", str(conf)]),
        ("wsgi", [
            cfg.python, "-m", "gunicorn", "config.wsgi:application",
            "--worker-class", "gthread", "--workers", str(WSGI_WORKERS),
            "--threads", str(WSGI_THREADS), "--bind", f"127.0.0.1:{cfg.wsgi_port}",
            "--graceful-timeout", "5", "--error-logfile", "-",
            # Trust X-Forwarded-For from nginx on loopback only.
            "--forwarded-allow-ips", "127.0.0.1",
            # The control socket defaults to one path per user: two clusters (a
            # `make run` and a test session) would fight over it.
            "--no-control-socket",
        ]),
        ("asgi", [
            cfg.python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(cfg.asgi_port),
            "--proxy-headers", "config.asgi:application",
        ]),
        ("scheduler", _celery_worker(cfg, "scheduler")),
        ("beat", [
            cfg.python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
            "-s", str(cfg.var_dir / "celerybeat-schedule"),
        ]),
    ]
    return [ProcessSpec(name, argv, cfg.env, cfg.base_dir,
                        signal.SIGTERM if name == "nginx" else signal.SIGKILL)
            for name, argv in argvs] + controller_processes(cfg)


def controller_processes(cfg: ClusterConfig) -> list[ProcessSpec]:
    """CONTROLLER_WORKERS workers on the controllers queue, each with its own name: a
    restarting worker frees the locks its previous life held, found by that name."""
    procs = []
    for i in range(1, CONTROLLER_WORKERS + 1):
        name = "controllers" if i == 1 else f"controllers-{i}"
        env = {**cfg.env, "KUBELAB_CONTROLLER_WORKER": f"{name}@{cfg.var_dir.name}"}
        procs.append(ProcessSpec(name, _celery_worker(cfg, "controllers", name), env,
                                 cfg.base_dir))
    return procs


def docker_node_processes(cfg: ClusterConfig) -> list[ProcessSpec]:
    """One Docker kubelet (Celery worker on `node.node-N` + agent) per KUBELAB_NODES, and
    one kube-proxy for them all: every node is this host, so one set of NodePorts."""
    procs = [ProcessSpec(f"kubelet-node-{i}",
                         [cfg.python, "manage.py", "kubelet", f"node-{i}"], cfg.env, cfg.base_dir)
             for i in range(1, cfg.nodes + 1)]
    if procs:
        procs.append(ProcessSpec("proxy", [cfg.python, "manage.py", "proxy"], cfg.env,
                                 cfg.base_dir))
    return procs


def node_processes(cfg: ClusterConfig) -> list[ProcessSpec]:
    """The nodes: kubelets (docker runtime) or one simulator playing node-1..node-N,
    plus a second simulator for KUBELAB_SIMULATED_NODES extra `sim-` nodes.
    `cfg.runtime` is already resolved to "docker" or "simulated" here."""
    manage = [cfg.python, "manage.py"]
    procs: list[ProcessSpec] = []
    if cfg.runtime == "simulated" and cfg.nodes > 0:
        procs.append(ProcessSpec("simulator", [*manage, "simulate-nodes", str(cfg.nodes),
                                               "--prefix", "node-"], cfg.env, cfg.base_dir))
    elif cfg.runtime == "docker":
        procs += docker_node_processes(cfg)
    extra = _simulated_extra(cfg)
    if extra > 0:
        procs.append(ProcessSpec("simulator-extra", [*manage, "simulate-nodes", str(extra),
                                                     "--prefix", "sim-"], cfg.env,
                                 cfg.base_dir))
    return procs


def _simulated_extra(cfg: ClusterConfig) -> int:
    raw = cfg.env.get("KUBELAB_SIMULATED_NODES", "") or "0"
    return int(raw) if raw.strip().isdigit() else 0


def cluster_processes(cfg: ClusterConfig) -> list[ProcessSpec]:
    """Every process of a cluster, in start order (stopped in reverse)."""
    return core_processes(cfg) + node_processes(cfg)
