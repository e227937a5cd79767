"""Every lesson end to end: `manage.py run-lessons` performs each step's actions and waits
for its check, on simulated nodes (the networking lesson needs Docker: its own test)."""
from __future__ import annotations

from cluster.runner.harness import manage
from tests.lessons.conftest import runner_env


def test_every_lesson_passes_the_runner_on_simulated_nodes(lesson_cluster):
    done = manage(runner_env(lesson_cluster), "run-lessons", timeout=240)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 failed" in done.stdout
    assert "networking: skipped" in done.stdout  # simulated nodes: no real network


def test_the_runner_fails_on_a_malformed_lesson_file(lesson_cluster):
    done = manage(lesson_cluster.env, "run-lessons", "--lesson", "anatomy", timeout=120)
    assert done.returncode != 0
    assert "malformed lesson 99-broken.yaml: YAML syntax error at line 5" in done.stderr
