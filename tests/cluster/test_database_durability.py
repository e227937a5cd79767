"""Both databases keep the same durability: a commit is answered before it is flushed
(SQLite's WAL with synchronous=NORMAL, PostgreSQL's synchronous_commit=off), so the
revision lock every write holds through its commit is not held for a disk flush."""
from __future__ import annotations

import pytest
from django.db import connection

from config.database import database_from_url
from config.env import ConfigError


def test_the_connection_commits_without_a_flush_per_commit():
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW synchronous_commit")
            assert cur.fetchone()[0] == "off"
        else:
            cur.execute("PRAGMA synchronous")
            assert cur.fetchone()[0] == 1  # NORMAL
            cur.execute("PRAGMA journal_mode")
            assert cur.fetchone()[0] == "wal"


def test_postgresql_flushes_every_commit_when_asked(monkeypatch, tmp_path):
    url = "postgresql://u:p@127.0.0.1:5432/db"
    monkeypatch.setenv("KUBELAB_PG_SYNCHRONOUS_COMMIT", "on")
    assert database_from_url(url, tmp_path)["OPTIONS"]["options"] == "-c synchronous_commit=on"
    monkeypatch.setenv("KUBELAB_PG_SYNCHRONOUS_COMMIT", "sometimes")
    with pytest.raises(ConfigError, match="KUBELAB_PG_SYNCHRONOUS_COMMIT"):
        database_from_url(url, tmp_path)
