"""Fresh, uniquely named PostgreSQL databases for test runs, and dropping them again."""
from __future__ import annotations

import os
import time
from urllib.parse import urlparse, urlunparse


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and urlparse(url).scheme in ("postgres", "postgresql")


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database name."""
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def unique_name(prefix: str) -> str:
    # pid + time: unique per run even when several people test on one machine.
    return f"{prefix}_{os.getpid()}_{int(time.time() * 1000) % 10**10}"


def _admin_connection(url: str):
    import psycopg

    # The maintenance db: CREATE/DROP DATABASE cannot run inside the target itself.
    return psycopg.connect(with_database(url, "postgres"), autocommit=True, connect_timeout=10)


def create_database(url: str, prefix: str = "kubelab_test") -> tuple[str, str]:
    """Create a fresh database on the server of `url`; returns (its url, its name)."""
    name = unique_name(prefix)
    with _admin_connection(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name), name


def drop_database(url: str, name: str) -> None:
    """Drop it even if a straggling process is still connected (PostgreSQL 13+)."""
    with _admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
