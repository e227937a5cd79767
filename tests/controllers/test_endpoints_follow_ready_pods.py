"""A Service's Endpoints list its ready pods (named targetPort resolved), not-ready apart."""
from __future__ import annotations

from tests.controllers.helpers import ready, replicaset, wait_for


def _endpoints(api, ns, name):
    code, body = api.call("GET", f"/api/v1/namespaces/{ns}/endpoints/{name}")
    return body if code == 200 else {}


def _ips(ep, field):
    return sorted(a["ip"] for s in ep.get("subsets") or [] for a in s.get(field) or [])


def test_endpoints_follow_ready_pods(api, ns):
    api.call("POST", f"/apis/apps/v1/namespaces/{ns}/replicasets", replicaset("web", 3))
    api.call("POST", f"/api/v1/namespaces/{ns}/services", {
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"},
                 "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}})
    wait_for(lambda: len(ready(api.pods(ns))) == 3, "3 ready pods")
    ep = wait_for(lambda: len(_ips(e := _endpoints(api, ns, "web"), "addresses")) == 3 and e,
                  "3 addresses")
    assert ep["subsets"][0]["ports"] == [{"port": 8080, "protocol": "TCP", "name": "http"}]
    pod = ready(api.pods(ns))[0]
    # The simulator writes a pod's status only when its own lifecycle moves on, so a
    # Running, Ready pod stays as we set it.
    api.call("PATCH", f"/api/v1/namespaces/{ns}/pods/{pod['metadata']['name']}/status",
             {"status": {"conditions": [{"type": "Ready", "status": "False"}]}},
             patch="merge-patch")
    wait_for(lambda: _ips(_endpoints(api, ns, "web"), "notReadyAddresses") ==
             [pod["status"]["podIP"]], "a not-ready address")
    assert len(_ips(_endpoints(api, ns, "web"), "addresses")) == 2
    api.call("DELETE", f"/api/v1/namespaces/{ns}/services/web")
    wait_for(lambda: not _endpoints(api, ns, "web"), "endpoints to go with the service")
