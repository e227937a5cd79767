"""Turn DATABASE_URL into Django's DATABASES entry (SQLite or PostgreSQL)."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from config.env import ConfigError


def _pg_synchronous_commit() -> str:
    """KUBELAB_PG_SYNCHRONOUS_COMMIT=on restores PostgreSQL's flush on every commit."""
    value = os.environ.get("KUBELAB_PG_SYNCHRONOUS_COMMIT", "off").strip().lower()
    if value not in ("on", "off", "local", "remote_write", "remote_apply"):
        raise ConfigError(f"KUBELAB_PG_SYNCHRONOUS_COMMIT must be on or off, got {value!r}")
    return value


def database_from_url(url: str, base_dir: Path) -> dict:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        raw_path = unquote(parsed.path[1:] if parsed.path.startswith("/") else parsed.path)
        path = Path(raw_path)
        if not path.is_absolute():
            path = base_dir / path
        return {
            # Django's backend plus a kernel lock that queues writers (see its docstring).
            "ENGINE": "config.sqlite_backend",
            "NAME": str(path),
            # Reuse connections: opening one and running the PRAGMAs costs more than
            # a whole indexed read.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers
                # queue on the busy timeout instead of failing mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
            "TEST": {"NAME": str(path.with_suffix(".test.sqlite3"))},
        }
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            # No per-request `SELECT 1`: it doubled the round trips of a get. A connection
            # that broke (PostgreSQL restarted) fails one request and Django then drops it.
            "CONN_HEALTH_CHECKS": False,
            # Server-side binding lets psycopg prepare the store's few hot statements once
            # per connection instead of PostgreSQL parsing and planning each call: gets
            # went from 0.88 to 0.5 ms here (bench/api.py, docs/benchmarks.md).
            "OPTIONS": {
                "server_side_binding": True,
                # The same durability as SQLite's WAL + synchronous=NORMAL: a commit is not
                # flushed to disk before it is answered, so an OS crash can lose the last
                # fraction of a second but never corrupts the store. Every write holds the
                # revision lock through its commit, so a flush per commit would cap the
                # whole cluster's write rate at the disk's flush rate.
                "options": f"-c synchronous_commit={_pg_synchronous_commit()}",
            },
        }
    raise ConfigError(f"DATABASE_URL scheme must be sqlite or postgresql, got {parsed.scheme!r}")
