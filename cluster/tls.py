"""The API's TLS certificate: self-signed, made once per var dir with openssl.

kubectl sends bearer tokens only over TLS (plain http gets no Authorization
header), so the API has an HTTPS port and the kubeconfig carries this
certificate as its certificate authority.
"""
from __future__ import annotations

import subprocess
from pathlib import Path


def certificate_paths(var_dir: Path) -> tuple[Path, Path]:
    tls = var_dir / "tls"
    return tls / "server.crt", tls / "server.key"


def ensure_certificate(var_dir: Path) -> tuple[Path, Path]:
    """(certificate, key), creating them if missing. Valid for 127.0.0.1 and localhost."""
    cert, key = certificate_paths(var_dir)
    if cert.exists() and key.exists():
        return cert, key
    cert.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "3650", "-subj", "/CN=kubelab",
         "-addext", "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60)
    key.chmod(0o600)
    return cert, key
