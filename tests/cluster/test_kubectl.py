"""kubectl against a real kubelab server, as a student would use it."""
from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{app: web}}
spec:
  schedulerName: kubelab-test-nobody
  containers:
  - name: app
    image: {image}
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: app
        image: {image}
        env:
        - {{name: A, value: "1"}}
"""


@pytest.fixture
def kc(kubelab_server, kubectl, tmp_path):
    """Run kubectl with the admin kubeconfig; returns CompletedProcess."""
    env = {**os.environ, "KUBECONFIG": str(kubelab_server.kubeconfig),
           "HOME": str(tmp_path)}  # a private discovery cache per test

    def run(*args: str, stdin: str | None = None, timeout: float = 60):
        return subprocess.run([kubectl, *args], input=stdin, capture_output=True, text=True,
                              env=env, timeout=timeout)
    return run


@pytest.fixture
def ns(kc) -> str:
    name = f"k-{uuid.uuid4().hex[:8]}"
    done = kc("apply", "-f", "-", stdin=f"apiVersion: v1\nkind: Namespace\nmetadata:\n"
                                        f"  name: {name}\n")
    assert done.returncode == 0, done.stderr
    return name


def test_apply_creates_then_configures_then_is_unchanged(kc, ns, tmp_path: Path):
    manifest = tmp_path / "deploy.yaml"
    manifest.write_text(DEPLOYMENT.format(name="web", replicas=2, image="kubelab/hello:1"))
    first = kc("apply", "-n", ns, "-f", str(manifest))
    assert first.returncode == 0, first.stderr
    assert "deployment.apps/web created" in first.stdout
    manifest.write_text(DEPLOYMENT.format(name="web", replicas=3, image="kubelab/hello:2"))
    second = kc("apply", "-n", ns, "-f", str(manifest))
    assert second.returncode == 0, second.stderr
    assert "deployment.apps/web configured" in second.stdout
    third = kc("apply", "-n", ns, "-f", str(manifest))
    assert "deployment.apps/web unchanged" in third.stdout, third.stdout + third.stderr
    image = kc("get", "deploy", "web", "-n", ns, "-o",
               "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}")
    assert image.stdout == "3 kubelab/hello:2"


def test_get_pods_wide_shows_the_real_columns(kc, ns):
    made = kc("apply", "-n", ns, "-f", "-", stdin=POD.format(name="p1", image="busybox"))
    assert made.returncode == 0, made.stderr
    out = kc("get", "pods", "-n", ns, "-o", "wide")
    assert out.returncode == 0, out.stderr
    header = out.stdout.splitlines()[0].split()
    assert header[:5] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert "IP" in header and "NODE" in header
    row = out.stdout.splitlines()[1].split()
    assert row[0] == "p1" and row[1] == "0/1" and row[2] == "Pending"


def test_get_deploy_shows_ready_up_to_date_available(kc, ns, tmp_path: Path):
    manifest = tmp_path / "d.yaml"
    manifest.write_text(DEPLOYMENT.format(name="api", replicas=1, image="busybox"))
    assert kc("apply", "-n", ns, "-f", str(manifest)).returncode == 0
    out = kc("get", "deploy", "-n", ns)
    assert out.stdout.split("\n")[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE",
                                                  "AGE"]
    assert out.stdout.split("\n")[1].split()[0] == "api"


def test_get_all_namespaces_and_nodes(kc):
    out = kc("get", "nodes,pods", "-A")
    assert out.returncode == 0, out.stderr


def test_get_watch_shows_a_change(kc, kubelab_server, kubectl, ns, tmp_path: Path):
    assert kc("apply", "-n", ns, "-f", "-",
              stdin=POD.format(name="watched", image="busybox")).returncode == 0
    env = {**os.environ, "KUBECONFIG": str(kubelab_server.kubeconfig), "HOME": str(tmp_path)}
    watcher = subprocess.Popen([kubectl, "get", "pods", "-n", ns, "-w", "--request-timeout=30s"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    try:
        assert "watched" in watcher.stdout.readline() + watcher.stdout.readline()
        assert kc("label", "pod", "watched", "-n", ns, "seen=yes").returncode == 0
        assert kc("delete", "pod", "watched", "-n", ns, "--wait=false").returncode == 0
        deadline = time.monotonic() + 20
        lines = []
        while time.monotonic() < deadline and len(lines) < 1:
            line = watcher.stdout.readline()
            if line:
                lines.append(line)
        assert lines and lines[0].split()[0] == "watched"
    finally:
        watcher.kill()
        watcher.communicate()


def test_scale_and_label(kc, ns, tmp_path: Path):
    manifest = tmp_path / "d.yaml"
    manifest.write_text(DEPLOYMENT.format(name="sc", replicas=1, image="busybox"))
    assert kc("apply", "-n", ns, "-f", str(manifest)).returncode == 0
    scaled = kc("scale", "deploy/sc", "-n", ns, "--replicas=4")
    assert scaled.returncode == 0 and "scaled" in scaled.stdout, scaled.stderr
    assert kc("get", "deploy", "sc", "-n", ns, "-o",
              "jsonpath={.spec.replicas}").stdout == "4"
    labelled = kc("label", "deploy", "sc", "-n", ns, "team=blue")
    assert labelled.returncode == 0, labelled.stderr
    shown = kc("get", "deploy", "-n", ns, "-l", "team=blue", "-o", "name")
    assert shown.stdout.strip() == "deployment.apps/sc"


def test_delete_returns_once_the_object_is_gone(kc, ns):
    assert kc("apply", "-n", ns, "-f", "-",
              stdin=POD.format(name="gone", image="busybox")).returncode == 0
    done = kc("delete", "pod", "gone", "-n", ns, timeout=60)
    assert done.returncode == 0, done.stderr
    assert 'pod "gone" deleted' in done.stdout
    after = kc("get", "pod", "gone", "-n", ns)
    assert after.returncode != 0


def test_not_found_and_invalid_print_like_a_real_cluster(kc, ns):
    missing = kc("get", "pod", "nope", "-n", ns)
    assert missing.returncode != 0
    assert 'Error from server (NotFound): pods "nope" not found' in missing.stderr
    bad = kc("apply", "-n", ns, "-f", "-", stdin=POD.format(name="Bad_Name", image="busybox"))
    assert bad.returncode != 0
    assert 'The Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"' \
        in bad.stderr, bad.stderr
    unknown = kc("apply", "-n", ns, "-f", "-",
                 stdin=POD.format(name="typo", image="busybox").replace("image:", "imagee:"))
    assert unknown.returncode != 0
    assert "imagee" in unknown.stderr
