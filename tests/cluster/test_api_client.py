"""The official `kubernetes` Python client against a real kubelab server."""
from __future__ import annotations

import uuid

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.cluster.unscheduled import GHOST_NODE, NO_SCHEDULER


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def core(k8s) -> client.CoreV1Api:
    return client.CoreV1Api(k8s)


@pytest.fixture
def apps(k8s) -> client.AppsV1Api:
    return client.AppsV1Api(k8s)


@pytest.fixture
def namespace(core) -> str:
    name = unique("t")
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    return name


def pod_manifest(name: str, labels: dict | None = None, image: str = "kubelab/hello:1") -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": labels or {"app": "web"}},
            "spec": {"schedulerName": NO_SCHEDULER,
                     "containers": [{"name": "app", "image": image,
                                     "resources": {"requests": {"cpu": "100m",
                                                                "memory": "64Mi"}}}]}}


def deployment_manifest(name: str, replicas: int = 2) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "app",
                                                           "image": "kubelab/hello:1"}]}}}}


def test_it_crud_pods_with_defaults(core, namespace):
    created = core.create_namespaced_pod(namespace, pod_manifest("web-1"))
    assert created.metadata.uid and int(created.metadata.resource_version) > 0
    assert created.spec.restart_policy == "Always"
    assert created.spec.termination_grace_period_seconds == 30
    assert created.status.phase == "Pending"
    got = core.read_namespaced_pod("web-1", namespace)
    assert got.metadata.uid == created.metadata.uid
    got.metadata.labels["tier"] = "front"
    replaced = core.replace_namespaced_pod("web-1", namespace, got)
    assert replaced.metadata.labels == {"app": "web", "tier": "front"}
    assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
    core.delete_namespaced_pod("web-1", namespace)
    with pytest.raises(ApiException) as err:
        core.read_namespaced_pod("web-1", namespace)
    assert err.value.status == 404


def test_it_crud_every_other_kind(core, apps, k8s, namespace):
    svc = core.create_namespaced_service(namespace, {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
    assert svc.spec.cluster_ip.startswith("10.")
    assert 30000 <= svc.spec.ports[0].node_port <= 32767
    assert svc.spec.ports[0].target_port == 80
    # A Service's Endpoints belong to the endpoints controller; this one has no Service.
    core.create_namespaced_endpoints(namespace, {
        "metadata": {"name": "manual"},
        "subsets": [{"addresses": [{"ip": "10.244.0.5"}], "ports": [{"port": 8080}]}]})
    assert core.read_namespaced_endpoints("manual", namespace).subsets[0].addresses[0].ip \
        == "10.244.0.5"
    core.create_namespaced_event(namespace, {
        "metadata": {"name": "ev1"}, "involvedObject": {"kind": "Pod", "name": "x",
                                                          "namespace": namespace},
        "reason": "Testing", "message": "hello", "type": "Normal"})
    assert core.read_namespaced_event("ev1", namespace).reason == "Testing"
    dep = apps.create_namespaced_deployment(namespace, deployment_manifest("web"))
    assert dep.spec.strategy.rolling_update.max_surge == "25%"
    assert dep.spec.revision_history_limit == 10
    rs = apps.create_namespaced_replica_set(namespace, {
        "metadata": {"name": "web-rs"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "rs"}},
                 "template": {"metadata": {"labels": {"app": "rs"}},
                              "spec": {"containers": [{"name": "a", "image": "busybox"}]}}}})
    assert rs.spec.replicas == 1
    coord = client.CoordinationV1Api(k8s)
    lease = coord.create_namespaced_lease(namespace, {
        "metadata": {"name": "node-x"},
        "spec": {"holderIdentity": "node-x", "leaseDurationSeconds": 40}})
    assert lease.spec.holder_identity == "node-x"
    node_name = unique("node")
    core.create_node({"metadata": {"name": node_name, "labels": {"zone": "a"}},
                      "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}})
    assert core.read_node(node_name).metadata.labels["zone"] == "a"
    core.delete_node(node_name)
    for deleter, name in ((core.delete_namespaced_service, "web"),
                          (core.delete_namespaced_endpoints, "manual"),
                          (core.delete_namespaced_event, "ev1"),
                          (apps.delete_namespaced_replica_set, "web-rs"),
                          (coord.delete_namespaced_lease, "node-x")):
        deleter(name, namespace)
    assert core.list_namespaced_service(namespace).items == []


def test_it_filters_lists_by_label_and_field_selectors(core, namespace):
    core.create_namespaced_pod(namespace, pod_manifest("a", {"app": "web", "tier": "front"}))
    core.create_namespaced_pod(namespace, pod_manifest("b", {"app": "web", "tier": "back"}))
    core.create_namespaced_pod(namespace, pod_manifest("c", {"app": "db"}))

    def names(**kw) -> list[str]:
        return sorted(p.metadata.name for p in core.list_namespaced_pod(namespace, **kw).items)

    assert names(label_selector="app=web") == ["a", "b"]
    assert names(label_selector="app=web,tier!=front") == ["b"]
    assert names(label_selector="tier in (front,back)") == ["a", "b"]
    assert names(label_selector="tier notin (front)") == ["b", "c"]
    assert names(label_selector="!tier") == ["c"]
    assert names(label_selector="tier") == ["a", "b"]
    assert names(field_selector="metadata.name=c") == ["c"]
    assert names(field_selector="status.phase=Pending,metadata.name!=a") == ["b", "c"]
    assert names(field_selector="spec.nodeName=") == ["a", "b", "c"]
    everywhere = core.list_pod_for_all_namespaces(label_selector="app=db")
    assert [p.metadata.name for p in everywhere.items if p.metadata.namespace == namespace] \
        == ["c"]
    with pytest.raises(ApiException) as err:
        core.list_namespaced_pod(namespace, label_selector="app in (web")
    assert err.value.status == 400


def test_it_pages_lists_with_limit_and_continue(core, namespace):
    for i in range(5):
        core.create_namespaced_pod(namespace, pod_manifest(f"p{i}"))
    first = core.list_namespaced_pod(namespace, limit=2)
    assert [p.metadata.name for p in first.items] == ["p0", "p1"]
    assert first.metadata._continue
    second = core.list_namespaced_pod(namespace, limit=2, _continue=first.metadata._continue)
    assert [p.metadata.name for p in second.items] == ["p2", "p3"]
    third = core.list_namespaced_pod(namespace, limit=2, _continue=second.metadata._continue)
    assert [p.metadata.name for p in third.items] == ["p4"]
    assert not third.metadata._continue


def test_it_creates_with_generate_name(core, namespace):
    made = core.create_namespaced_pod(namespace, {
        "metadata": {"generateName": "web-"},
        "spec": {"schedulerName": NO_SCHEDULER,
                 "containers": [{"name": "a", "image": "busybox"}]}})
    assert made.metadata.name.startswith("web-") and len(made.metadata.name) == 9


def test_stale_update_gets_409(core, namespace):
    core.create_namespaced_pod(namespace, pod_manifest("stale"))
    first = core.read_namespaced_pod("stale", namespace)
    second = core.read_namespaced_pod("stale", namespace)
    first.metadata.labels["v"] = "1"
    core.replace_namespaced_pod("stale", namespace, first)
    second.metadata.labels["v"] = "2"
    with pytest.raises(ApiException) as err:
        core.replace_namespaced_pod("stale", namespace, second)
    assert err.value.status == 409
    assert core.read_namespaced_pod("stale", namespace).metadata.labels["v"] == "1"


def test_invalid_pod_gets_422_with_causes(core, namespace):
    import json

    with pytest.raises(ApiException) as err:
        core.create_namespaced_pod(namespace, {
            "metadata": {"name": "Bad_Name"},
            "spec": {"containers": [{"name": "app"}]}})
    assert err.value.status == 422
    status = json.loads(err.value.body)
    assert status["kind"] == "Status" and status["reason"] == "Invalid"
    fields = {c["field"] for c in status["details"]["causes"]}
    assert "metadata.name" in fields
    assert "spec.containers[0].image" in fields


def test_generation_bumps_on_spec_changes_only(apps, namespace):
    apps.create_namespaced_deployment(namespace, deployment_manifest("gen"))
    apps.patch_namespaced_deployment("gen", namespace, {"metadata": {"labels": {"x": "y"}}})
    assert apps.read_namespaced_deployment("gen", namespace).metadata.generation == 1
    apps.patch_namespaced_deployment("gen", namespace, {"spec": {"replicas": 4}})
    assert apps.read_namespaced_deployment("gen", namespace).metadata.generation == 2


def test_it_scales_deployments_through_the_scale_subresource(apps, namespace):
    apps.create_namespaced_deployment(namespace, deployment_manifest("scaled", 2))
    scale = apps.patch_namespaced_deployment_scale("scaled", namespace,
                                                   {"spec": {"replicas": 5}})
    assert scale.spec.replicas == 5
    assert apps.read_namespaced_deployment("scaled", namespace).spec.replicas == 5
    read = apps.read_namespaced_deployment_scale("scaled", namespace)
    assert read.status.selector == "app=scaled"


def test_it_updates_status_only_through_the_status_subresource(core, namespace):
    core.create_namespaced_pod(namespace, pod_manifest("st"))
    core.patch_namespaced_pod("st", namespace, {"status": {"phase": "Running"}})
    assert core.read_namespaced_pod("st", namespace).status.phase == "Pending"
    core.patch_namespaced_pod_status("st", namespace, {"status": {"phase": "Running"}})
    assert core.read_namespaced_pod("st", namespace).status.phase == "Running"


def test_it_binds_a_pod_once(core, namespace):
    core.create_namespaced_pod(namespace, pod_manifest("bind"))
    target = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "bind"},
              "target": {"kind": "Node", "name": GHOST_NODE}}
    core.create_namespaced_binding(namespace, target, _preload_content=False)
    assert core.read_namespaced_pod("bind", namespace).spec.node_name == GHOST_NODE
    target["target"]["name"] = GHOST_NODE + "-2"
    with pytest.raises(ApiException) as err:
        core.create_namespaced_binding(namespace, target, _preload_content=False)
    assert err.value.status == 409


def test_dry_run_writes_nothing(core, namespace):
    core.create_namespaced_pod(namespace, pod_manifest("dry"), dry_run="All")
    assert core.list_namespaced_pod(namespace).items == []


def test_strict_field_validation_rejects_unknown_fields(kubelab_server, core, namespace):
    from tests.cluster.rawhttp import request

    bad = pod_manifest("strict")
    bad["spec"]["containers"][0]["imagee"] = "x"
    path = f"/api/v1/namespaces/{namespace}/pods?fieldValidation=Strict"
    status, body = request(kubelab_server, "POST", path, bad)
    assert status == 422
    assert body["details"]["causes"][0]["field"] == "spec.containers[0].imagee"
    assert core.list_namespaced_pod(namespace).items == []


def _post_with_headers(server, path: str, body: dict) -> tuple[int, str]:
    """(status, Warning header) of a POST: rawhttp.request does not return headers."""
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(server.url + path, data=json.dumps(body).encode(),
                                 method="POST")
    req.add_header("Authorization", f"Bearer {server.admin_token}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers.get("Warning", "")
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Warning", "")


def test_unknown_fields_without_field_validation_are_warned_about(kubelab_server, core,
                                                                  namespace):
    # What kubectl before 1.25 sends (no fieldValidation): Kubernetes' default is Warn.
    typo = pod_manifest("warned")
    typo["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    status, warning = _post_with_headers(kubelab_server, f"/api/v1/namespaces/{namespace}/pods",
                                         typo)
    assert status == 201
    assert warning == '299 - "unknown field \\"spec.containers[0].imagePullPolicyy\\""'
    # An object that is also invalid is refused, and the warning still tells why.
    missing_image = pod_manifest("refused")
    del missing_image["spec"]["containers"][0]["image"]
    missing_image["spec"]["containers"][0]["imagee"] = "busybox"
    status, warning = _post_with_headers(kubelab_server, f"/api/v1/namespaces/{namespace}/pods",
                                         missing_image)
    assert status == 422 and 'unknown field \\"spec.containers[0].imagee\\"' in warning
    ignored = pod_manifest("ignored")
    ignored["spec"]["containers"][0]["imagee"] = "busybox"
    status, warning = _post_with_headers(
        kubelab_server, f"/api/v1/namespaces/{namespace}/pods?fieldValidation=Ignore", ignored)
    assert (status, warning) == (201, "")
    assert sorted(p.metadata.name for p in core.list_namespaced_pod(namespace).items) == [
        "ignored", "warned"]
