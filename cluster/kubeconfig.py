"""Writing kubeconfig files for kubectl and the official client."""
from __future__ import annotations

import base64
import os
from pathlib import Path

import yaml


def render(server: str, user: str, token: str, namespace: str = "default",
           ca_file: Path | None = None) -> str:
    cluster: dict = {"server": server}
    if ca_file is not None and server.startswith("https://"):
        cluster["certificate-authority-data"] = base64.b64encode(ca_file.read_bytes()).decode()
    return yaml.safe_dump({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "kubelab", "cluster": cluster}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": f"kubelab-{user}",
                      "context": {"cluster": "kubelab", "user": user, "namespace": namespace}}],
        "current-context": f"kubelab-{user}",
        "preferences": {},
    }, sort_keys=False)


def write(path: Path, server: str, user: str, token: str, namespace: str = "default",
          ca_file: Path | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(render(server, user, token, namespace, ca_file))
    os.chmod(tmp, 0o600)  # it holds a secret
    tmp.replace(path)


def token_in(path: Path) -> str:
    """The token of the first user in an existing kubeconfig, or ''."""
    try:
        data = yaml.safe_load(path.read_text())
        return str(data["users"][0]["user"]["token"])
    except (OSError, yaml.YAMLError, KeyError, IndexError, TypeError):
        return ""


def server_in(path: Path) -> str:
    try:
        data = yaml.safe_load(path.read_text())
        return str(data["clusters"][0]["cluster"]["server"])
    except (OSError, yaml.YAMLError, KeyError, IndexError, TypeError):
        return ""
