"""cluster.tables: server-side Table columns and cells for `kubectl get`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cluster.tables import human_duration, table_columns, table_row

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
KINDS = ["Pod", "Deployment", "ReplicaSet", "Service", "Endpoints", "Node", "Namespace",
         "Event", "Lease"]


def ts(seconds_ago: float) -> str:
    return (NOW - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def meta(name: str = "x", age: float = 60) -> dict:
    return {"name": name, "namespace": "default", "creationTimestamp": ts(age)}


def col_names(kind: str, priority: int | None = None) -> list[str]:
    return [c["name"] for c in table_columns(kind)
            if priority is None or c["priority"] == priority]


# --- human_duration --------------------------------------------------------------------------


@pytest.mark.parametrize("seconds,text", [
    (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (59, "59s"), (119, "119s"), (120, "2m"),
    (303, "5m3s"), (540, "9m"), (600, "10m"), (3 * 3600 - 1, "179m"), (3 * 3600, "3h"),
    (5 * 3600 + 30 * 60, "5h30m"), (8 * 3600, "8h"), (47 * 3600, "47h"), (48 * 3600, "2d"),
    (2 * 86400 + 5 * 3600, "2d5h"), (8 * 86400, "8d"), (400 * 86400, "400d"),
    (730 * 86400, "2y"), (800 * 86400, "2y70d"), (9 * 365 * 86400, "9y"), (1.9, "1s"),
])
def test_human_duration_follows_kubernetes_rules(seconds, text):
    assert human_duration(seconds) == text


# --- columns ---------------------------------------------------------------------------------


def test_pod_columns_and_wide_columns():
    assert col_names("Pod", 0) == ["Name", "Ready", "Status", "Restarts", "Age"]
    assert col_names("Pod", 1) == ["IP", "Node", "Nominated Node", "Readiness Gates"]


@pytest.mark.parametrize("kind,names", [
    ("Deployment", ["Name", "Ready", "Up-to-date", "Available", "Age"]),
    ("ReplicaSet", ["Name", "Desired", "Current", "Ready", "Age"]),
    ("Service", ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"]),
    ("Endpoints", ["Name", "Endpoints", "Age"]),
    ("Node", ["Name", "Status", "Roles", "Age", "Version"]),
    ("Namespace", ["Name", "Status", "Age"]),
    ("Event", ["Last Seen", "Type", "Reason", "Object", "Message"]),
    ("Lease", ["Name", "Holder", "Age"]),
])
def test_default_columns_per_kind(kind, names):
    assert col_names(kind, 0) == names


@pytest.mark.parametrize("kind", KINDS + ["Widget"])
def test_column_definitions_shape_and_first_column_is_name_format(kind):
    columns = table_columns(kind)
    assert columns[0]["format"] == "name"
    for column in columns:
        assert set(column) == {"name", "type", "format", "description", "priority"}
        assert column["type"] in ("string", "integer", "number", "boolean", "date")
        assert column["priority"] in (0, 1)


@pytest.mark.parametrize("kind", KINDS + ["Widget"])
def test_row_width_matches_columns_even_for_empty_objects(kind):
    for obj in ({}, {"metadata": "x", "spec": [], "status": 5}, None):
        assert len(table_row(kind, obj, NOW)) == len(table_columns(kind))


# --- pods ------------------------------------------------------------------------------------


def running_pod() -> dict:
    return {
        "metadata": meta("web", 303),
        "spec": {"nodeName": "node-1", "containers": [{"name": "a"}, {"name": "b"}]},
        "status": {"phase": "Running", "podIP": "10.1.0.5", "podIPs": [{"ip": "10.1.0.5"}],
                   "containerStatuses": [
                       {"name": "a", "ready": True, "restartCount": 1,
                        "state": {"running": {"startedAt": ts(100)}}},
                       {"name": "b", "ready": False, "restartCount": 2,
                        "state": {"running": {"startedAt": ts(100)}}}]},
    }


def test_running_pod_row():
    assert table_row("Pod", running_pod(), NOW) == [
        "web", "1/2", "Running", 3, "5m3s", "10.1.0.5", "node-1", "<none>", "<none>"]


def test_pending_pod_without_status_uses_placeholders():
    obj = {"metadata": meta("p"), "spec": {"containers": [{"name": "a"}]},
           "status": {"phase": "Pending"}}
    assert table_row("Pod", obj, NOW) == ["p", "0/1", "Pending", 0, "60s", "<none>", "<none>",
                                          "<none>", "<none>"]


def test_waiting_reason_like_crashloopbackoff_is_shown():
    obj = running_pod()
    obj["status"]["containerStatuses"][1]["state"] = {
        "waiting": {"reason": "CrashLoopBackOff"}}
    assert table_row("Pod", obj, NOW)[2] == "CrashLoopBackOff"


def test_terminated_container_reason_and_exit_code():
    obj = running_pod()
    obj["status"]["containerStatuses"] = [
        {"name": "a", "ready": False, "restartCount": 0, "state": {"terminated": {"exitCode": 2}}}]
    assert table_row("Pod", obj, NOW)[2] == "ExitCode:2"
    obj["status"]["containerStatuses"][0]["state"] = {"terminated": {"reason": "OOMKilled"}}
    assert table_row("Pod", obj, NOW)[2] == "OOMKilled"


def test_completed_pod_shows_completed():
    obj = running_pod()
    obj["status"]["phase"] = "Succeeded"
    for cs in obj["status"]["containerStatuses"]:
        cs["state"] = {"terminated": {"reason": "Completed", "exitCode": 0}}
    assert table_row("Pod", obj, NOW)[1:3] == ["0/2", "Completed"]


def test_deleting_pod_is_terminating():
    obj = running_pod()
    obj["metadata"]["deletionTimestamp"] = ts(1)
    assert table_row("Pod", obj, NOW)[2] == "Terminating"


def test_init_container_progress():
    obj = {"metadata": meta("p"),
           "spec": {"initContainers": [{"name": "i1"}, {"name": "i2"}],
                    "containers": [{"name": "a"}]},
           "status": {"phase": "Pending", "initContainerStatuses": [
               {"name": "i1", "restartCount": 0, "state": {"terminated": {"exitCode": 0}}},
               {"name": "i2", "restartCount": 0, "state": {"running": {}}}]}}
    assert table_row("Pod", obj, NOW)[2] == "Init:1/2"
    obj["status"]["initContainerStatuses"][1]["state"] = {
        "waiting": {"reason": "ImagePullBackOff"}}
    assert table_row("Pod", obj, NOW)[2] == "Init:ImagePullBackOff"


def test_readiness_gates_cell():
    obj = running_pod()
    obj["spec"]["readinessGates"] = [{"conditionType": "x/ready"}, {"conditionType": "y"}]
    obj["status"]["conditions"] = [{"type": "x/ready", "status": "True"}]
    assert table_row("Pod", obj, NOW)[8] == "1/2"


def test_missing_creation_timestamp_age_is_unknown():
    assert table_row("Pod", {"metadata": {"name": "p"}}, NOW)[4] == "<unknown>"


def test_naive_now_is_treated_as_utc():
    assert table_row("Pod", running_pod(), NOW.replace(tzinfo=None))[4] == "5m3s"


# --- workloads -------------------------------------------------------------------------------


def deployment() -> dict:
    return {"metadata": meta("web", 3 * 3600),
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "tier": "fe"}},
                     "template": {"spec": {"containers": [
                         {"name": "app", "image": "nginx:1.27"},
                         {"name": "side", "image": "busybox"}]}}},
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}


def test_deployment_row():
    assert table_row("Deployment", deployment(), NOW) == [
        "web", "2/3", 3, 2, "3h", "app,side", "nginx:1.27,busybox", "app=web,tier=fe"]


def test_deployment_without_status_and_expression_selector():
    obj = deployment()
    del obj["status"]
    obj["spec"]["selector"] = {"matchExpressions": [
        {"key": "env", "operator": "In", "values": ["prod", "dev"]},
        {"key": "canary", "operator": "DoesNotExist"}]}
    row = table_row("Deployment", obj, NOW)
    assert row[1:4] == ["0/3", 0, 0]
    assert row[7] == "!canary,env in (dev,prod)"


def test_replicaset_row():
    obj = deployment()
    obj["status"] = {"replicas": 3, "readyReplicas": 1}
    assert table_row("ReplicaSet", obj, NOW)[:5] == ["web", 3, 3, 1, "3h"]


# --- services & endpoints --------------------------------------------------------------------


def test_cluster_ip_service_row():
    obj = {"metadata": meta("web", 2 * 86400),
           "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "selector": {"app": "web"},
                    "ports": [{"port": 80, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}}
    assert table_row("Service", obj, NOW) == [
        "web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "2d", "app=web"]


def test_node_port_and_load_balancer_services():
    obj = {"metadata": meta("web"),
           "spec": {"type": "NodePort", "clusterIP": "10.96.0.11",
                    "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}}
    row = table_row("Service", obj, NOW)
    assert row[4] == "80:30080/TCP"
    assert row[6] == "<none>"
    obj["spec"]["type"] = "LoadBalancer"
    assert table_row("Service", obj, NOW)[3] == "<pending>"
    obj["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}
    assert table_row("Service", obj, NOW)[3] == "203.0.113.7"


def test_external_name_and_headless_services():
    ext = {"metadata": meta("db"), "spec": {"type": "ExternalName",
                                            "externalName": "db.example.com"}}
    assert table_row("Service", ext, NOW)[1:5] == [
        "ExternalName", "<none>", "db.example.com", "<none>"]
    headless = {"metadata": meta("h"), "spec": {"clusterIP": "None", "ports": []}}
    assert table_row("Service", headless, NOW)[2] == "None"


def test_endpoints_cell_lists_three_then_counts_the_rest():
    obj = {"metadata": meta("web"), "subsets": [{
        "addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 5)],
        "ports": [{"port": 8080}]}]}
    assert table_row("Endpoints", obj, NOW)[1] == (
        "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...")
    assert table_row("Endpoints", {"metadata": meta("e")}, NOW)[1] == "<none>"
    v6 = {"metadata": meta("e"), "subsets": [{"addresses": [{"ip": "fd00::1"}],
                                              "ports": [{"port": 80}]}]}
    assert table_row("Endpoints", v6, NOW)[1] == "[fd00::1]:80"


# --- cluster objects -------------------------------------------------------------------------


def test_node_row():
    obj = {"metadata": {**meta("node-1", 10 * 86400),
                        "labels": {"node-role.kubernetes.io/control-plane": "",
                                   "kubernetes.io/hostname": "node-1"}},
           "spec": {"unschedulable": True},
           "status": {"conditions": [{"type": "MemoryPressure", "status": "False"},
                                     {"type": "Ready", "status": "True"}],
                      "addresses": [{"type": "InternalIP", "address": "192.168.1.10"}],
                      "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "Ubuntu",
                                   "kernelVersion": "6.8", "containerRuntimeVersion": "cri"}}}
    assert table_row("Node", obj, NOW) == [
        "node-1", "Ready,SchedulingDisabled", "control-plane", "10d", "v1.32.0",
        "192.168.1.10", "<none>", "Ubuntu", "6.8", "cri"]


def test_node_without_ready_condition_is_unknown_and_not_ready():
    obj = {"metadata": meta("n")}
    assert table_row("Node", obj, NOW)[1:3] == ["Unknown", "<none>"]
    obj["status"] = {"conditions": [{"type": "Ready", "status": "False"}]}
    assert table_row("Node", obj, NOW)[1] == "NotReady"


def test_namespace_row():
    obj = {"metadata": meta("team-a", 45), "status": {"phase": "Active"}}
    assert table_row("Namespace", obj, NOW) == ["team-a", "Active", "45s"]


def test_event_row():
    obj = {"metadata": meta("web.17"), "type": "Warning", "reason": "BackOff",
           "message": "Back-off restarting failed container\n",
           "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{a}"},
           "source": {"component": "kubelet", "host": "node-1"},
           "firstTimestamp": ts(600), "lastTimestamp": ts(30), "count": 4}
    assert table_row("Event", obj, NOW) == [
        "30s", "Warning", "BackOff", "pod/web", "spec.containers{a}", "kubelet, node-1",
        "Back-off restarting failed container", "10m", "4", "web.17"]


def test_event_with_only_event_time():
    obj = {"metadata": meta("e"), "eventTime": "2024-05-01T11:59:00.000000Z",
           "involvedObject": {"kind": "Node"}}
    row = table_row("Event", obj, NOW)
    assert row[0] == "60s"
    assert row[3] == "node"
    assert row[8] == "1"


def test_lease_row():
    obj = {"metadata": meta("kube-scheduler", 120), "spec": {"holderIdentity": "sched-1"}}
    assert table_row("Lease", obj, NOW) == ["kube-scheduler", "sched-1", "2m"]


def test_unknown_kind_row_is_name_and_age():
    assert table_row("Widget", {"metadata": meta("w", 5)}, NOW) == ["w", "5s"]
