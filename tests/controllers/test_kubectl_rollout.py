"""`kubectl rollout status / undo / restart` against the test cluster."""
from __future__ import annotations

import subprocess

from tests.controllers.helpers import active, deployment, wait_for

DEP = "/apis/apps/v1/namespaces/{ns}/deployments"


def _kubectl(kubectl, server, *args, timeout=60):
    return subprocess.run([kubectl, "--kubeconfig", str(server.kubeconfig), *args],
                          capture_output=True, text=True, timeout=timeout)


def test_rollout_status_undo_and_restart(kubectl, cluster, api, ns):
    api.call("POST", DEP.format(ns=ns), deployment("kc", 2, "app:v1"))
    done = _kubectl(kubectl, cluster, "rollout", "status", "deployment/kc", "-n", ns,
                    "--timeout=30s")
    assert done.returncode == 0 and "successfully rolled out" in done.stdout, done
    api.call("PATCH", DEP.format(ns=ns) + "/kc", {"spec": {"template": {"spec": {
        "containers": [{"name": "app", "image": "app:v2"}]}}}}, patch="merge-patch")
    done = _kubectl(kubectl, cluster, "rollout", "status", "deployment/kc", "-n", ns,
                    "--timeout=30s")
    assert done.returncode == 0, done
    undo = _kubectl(kubectl, cluster, "rollout", "undo", "deployment/kc", "-n", ns)
    assert undo.returncode == 0, undo
    wait_for(lambda: sorted(p["spec"]["containers"][0]["image"]
                            for p in active(api.pods(ns))) == ["app:v1"] * 2, "back to v1")
    d = api.call("GET", DEP.format(ns=ns) + "/kc")[1]
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    before = {p["metadata"]["name"] for p in active(api.pods(ns))}
    restart = _kubectl(kubectl, cluster, "rollout", "restart", "deployment/kc", "-n", ns)
    assert restart.returncode == 0, restart
    done = _kubectl(kubectl, cluster, "rollout", "status", "deployment/kc", "-n", ns,
                    "--timeout=30s")
    assert done.returncode == 0, done
    wait_for(lambda: len(a := active(api.pods(ns))) == 2 and
             not before & {p["metadata"]["name"] for p in a}, "restarted pods")
