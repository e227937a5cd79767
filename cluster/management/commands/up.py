"""`manage.py up`: start the whole cluster in the foreground; Ctrl-C stops all of it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from cluster.runner.config import make_config
from cluster.runner.processes import cluster_processes
from cluster.runner.readiness import wait_ready
from cluster.runner.services import ServiceHandle, ensure_docker, ensure_redis, resolve_runtime
from cluster.runner.signals import Interrupted, hold_signals, interruptible
from cluster.runner.supervisor import Supervisor


def display_path(path: Path) -> str:
    """Relative to the current directory when inside it (`var/kubeconfig`), else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class Command(BaseCommand):
    help = "Start Redis/Docker if needed, migrate, bootstrap, and run every cluster process."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--ready-timeout", type=float, default=60.0,
                            help="seconds to wait for /readyz (default 60)")

    def handle(self, *args, **options) -> None:
        self.sup = Supervisor(sys.stdout)
        self.services: list[ServiceHandle] = []
        code = 1
        try:
            with interruptible():
                try:
                    code = self._run(options["ready_timeout"])
                except Interrupted as stop:
                    self.sup.say("up", f"{stop.args[0]}: stopping")
                    code = 0
                finally:
                    hold_signals()
                    self._shutdown()
        except KeyboardInterrupt:  # a second Ctrl-C before handlers were installed
            code = 130
        sys.exit(code)

    def _say(self, line: str) -> None:
        self.sup.say("up", line)

    def _run(self, ready_timeout: float) -> int:
        var_dir = Path(settings.VAR_DIR)
        var_dir.mkdir(parents=True, exist_ok=True)
        redis = ensure_redis(settings.REDIS_URL, var_dir)
        self.services.append(redis)
        if redis.started:
            self._say(f"started redis-server for {settings.REDIS_URL} (pid {redis.proc.pid})")
        runtime = self._choose_runtime(var_dir)

        call_command("migrate", interactive=False, verbosity=0)
        self._say("database migrated")
        cfg = make_config(
            var_dir=var_dir,
            port=settings.PORT,
            api_port=settings.API_PORT,
            wsgi_port=settings.WSGI_PORT,
            asgi_port=settings.ASGI_PORT,
            nodes=settings.KUBELAB_NODES,
            runtime=runtime,
        )
        self._bootstrap(cfg.api_url, cfg.kubeconfig)

        self.sup.start_all(cluster_processes(cfg))
        probe = wait_ready(f"{cfg.url}/readyz", ready_timeout, abort=self._death_reason)
        if not probe.ok:
            self._say(f"not ready after {ready_timeout:.0f}s: HTTP {probe.status} {probe.body}")
            return 1
        self.sup.raw(f"kubelab ready: {cfg.url}  kubeconfig: {display_path(cfg.kubeconfig)}")
        name, exit_code = self.sup.wait()
        self._say(f"{name} died (exit {exit_code}); stopping the cluster")
        return 1

    def _choose_runtime(self, var_dir: Path) -> str:
        requested = settings.KUBELAB_RUNTIME
        if requested == "simulated":
            self._say("runtime: simulated (KUBELAB_RUNTIME=simulated)")
            return requested
        docker = ensure_docker(var_dir)
        self.services.append(docker)
        runtime = resolve_runtime(requested, docker.available)
        if docker.available:
            how = "started dockerd" if docker.started else "Docker engine answers"
            self._say(f"runtime: {runtime} ({how})")
        elif requested == "docker":
            self._say(f"runtime: docker requested but no engine answers ({docker.note})")
        else:
            self._say(f"runtime: {runtime} (no Docker engine: {docker.note})")
        return runtime

    def _bootstrap(self, url: str, kubeconfig: Path) -> None:
        if "bootstrap" not in get_commands():
            self._say("warning: no `bootstrap` command yet; no kubeconfig written")
            return
        call_command("bootstrap", "--server", url, "--kubeconfig", str(kubeconfig))

    def _death_reason(self) -> str | None:
        died = self.sup.dead()
        return f"{died[0][0]} exited with code {died[0][1]}" if died else None

    def _shutdown(self) -> None:
        self.sup.stop_all()
        for service in reversed(self.services):
            if service.started:
                self._say(f"stopping {service.name} (we started it)")
                service.stop()
        self._say(f"stopped (pid {os.getpid()})")
