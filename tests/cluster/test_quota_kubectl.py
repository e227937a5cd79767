"""kubectl apply/get/describe for ResourceQuota and LimitRange, and kubectl's view of a
refusal over quota."""
from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from tests.waiting import wait_for

MANIFESTS = """apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
spec:
  hard:
    pods: "1"
    requests.cpu: "1"
    requests.memory: 1Gi
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
spec:
  limits:
  - type: Container
    defaultRequest: {cpu: 100m, memory: 64Mi}
    default: {cpu: 200m, memory: 128Mi}
"""

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: app
    image: busybox
"""


@pytest.fixture
def kc(kubelab_server, kubectl, tmp_path):
    env = {**os.environ, "KUBECONFIG": str(kubelab_server.kubeconfig), "HOME": str(tmp_path)}

    def run(*args: str, stdin: str | None = None):
        return subprocess.run([kubectl, *args], input=stdin, capture_output=True, text=True,
                              env=env, timeout=60)
    return run


@pytest.fixture
def ns(kc) -> str:
    name = f"kq-{uuid.uuid4().hex[:8]}"
    done = kc("apply", "-f", "-", stdin=f"apiVersion: v1\nkind: Namespace\nmetadata:\n"
                                        f"  name: {name}\n")
    assert done.returncode == 0, done.stderr
    return name


def test_kubectl_applies_gets_and_describes_quotas_and_limits(kc, ns):
    done = kc("apply", "-n", ns, "-f", "-", stdin=MANIFESTS)
    assert done.returncode == 0, done.stderr
    assert "resourcequota/compute created" in done.stdout
    assert "limitrange/defaults created" in done.stdout
    again = kc("apply", "-n", ns, "-f", "-", stdin=MANIFESTS)
    assert "resourcequota/compute unchanged" in again.stdout, again.stdout + again.stderr
    wait_for(lambda: "pods: 0/1" in kc("get", "quota", "-n", ns).stdout, "the quota table")
    table = kc("get", "quota", "-n", ns).stdout
    assert table.split("\n")[0].split() == ["NAME", "AGE", "REQUEST", "LIMIT"]
    assert "requests.cpu: 0/1" in table
    limits = kc("get", "limits", "-n", ns)
    assert limits.returncode == 0, limits.stderr
    assert limits.stdout.split("\n")[0].split() == ["NAME", "CREATED", "AT"]
    described = kc("describe", "quota", "compute", "-n", ns)
    assert described.returncode == 0, described.stderr
    assert "requests.memory" in described.stdout and "1Gi" in described.stdout
    described = kc("describe", "limitrange", "defaults", "-n", ns)
    assert described.returncode == 0, described.stderr
    assert "Container" in described.stdout and "100m" in described.stdout


def test_kubectl_prints_the_quota_refusal(kc, ns):
    assert kc("apply", "-n", ns, "-f", "-", stdin=MANIFESTS).returncode == 0
    assert kc("apply", "-n", ns, "-f", "-", stdin=POD.format(name="one")).returncode == 0
    refused = kc("apply", "-n", ns, "-f", "-", stdin=POD.format(name="two"))
    assert refused.returncode != 0
    assert 'pods "two" is forbidden: exceeded quota: compute, requested: pods=1, ' \
           "used: pods=1, limited: pods=1" in refused.stderr
