"""What a cluster run needs to know: ports, var dir, and the environment of its processes."""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ClusterConfig:
    """One cluster's parameters. `env` is the complete environment of its processes."""

    var_dir: Path
    port: int
    api_port: int
    wsgi_port: int
    asgi_port: int
    nodes: int = 0
    runtime: str = "simulated"
    base_dir: Path = BASE_DIR
    python: str = sys.executable
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The TLS port the kubeconfig names (kubectl sends tokens only over TLS)."""
        return f"https://127.0.0.1:{self.api_port}"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def kubeconfig(self) -> Path:
        return self.var_dir / "kubeconfig"


def make_config(
    *,
    var_dir: Path,
    port: int,
    api_port: int,
    wsgi_port: int,
    asgi_port: int,
    nodes: int,
    runtime: str,
    base_env: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> ClusterConfig:
    """Build a config whose env pins every setting the children must agree on.

    The children re-read Django settings from this env, so ports, var dir and the
    resolved runtime are written into it rather than left to each process's defaults.
    """
    env = dict(os.environ if base_env is None else base_env)
    env.update(
        {
            "PORT": str(port),
            "KUBELAB_API_PORT": str(api_port),
            "KUBELAB_WSGI_PORT": str(wsgi_port),
            "KUBELAB_ASGI_PORT": str(asgi_port),
            "KUBELAB_VAR_DIR": str(var_dir),
            "KUBELAB_NODES": str(nodes),
            "KUBELAB_RUNTIME": runtime,
            "DJANGO_SETTINGS_MODULE": env.get("DJANGO_SETTINGS_MODULE", "config.settings"),
            # Children print through pipes; unbuffered keeps their lines in time order.
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra_env or {})
    var_dir.mkdir(parents=True, exist_ok=True)
    (var_dir / "log").mkdir(exist_ok=True)
    return ClusterConfig(
        var_dir=var_dir,
        port=port,
        api_port=api_port,
        wsgi_port=wsgi_port,
        asgi_port=asgi_port,
        nodes=nodes,
        runtime=runtime,
        env=env,
    )
