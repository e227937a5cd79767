"""cluster.validation: Kubernetes-style validation and strict unknown-field detection."""

from __future__ import annotations

import copy

import pytest

from cluster.validation import apply_defaults, unknown_fields, validate
from tests.cluster.manifests import (
    VALID,
    check,
    deployment,
    fields,
    find,
    pod,
    replicaset,
    service,
)


@pytest.mark.parametrize("kind", sorted(VALID))
def test_valid_objects_of_every_kind_have_no_causes(kind):
    obj = VALID[kind]()
    assert check(kind, obj) == []
    assert unknown_fields(kind, obj) == []


DROP = object()


def mutated(make, path: str, value) -> dict:
    """A fresh sample with the dotted `path` (digits index lists) set to value, or removed."""
    obj = make()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = obj
    for step in parents:
        node = node[step]
    if value is DROP:
        del node[last]
    else:
        node[last] = value
    return obj


NODE, EVENT, LEASE = VALID["Node"], VALID["Event"], VALID["Lease"]
CASES = [
    # (kind, sample, path to change, new value, expected field, expected reason)
    ("Namespace", VALID["Namespace"], "metadata.name", "a.b", "metadata.name",
     "FieldValueInvalid"),
    ("Service", service, "metadata.name", "1web", "metadata.name", "FieldValueInvalid"),
    ("Pod", pod, "metadata.name", "a" * 254, "metadata.name", "FieldValueInvalid"),
    ("Pod", pod, "metadata.namespace", "Not OK", "metadata.namespace", "FieldValueInvalid"),
    ("Node", NODE, "metadata.namespace", "default", "metadata.namespace",
     "FieldValueForbidden"),
    ("Pod", pod, "metadata.annotations", {"big": "x" * 262144}, "metadata.annotations",
     "FieldValueTooLong"),
    ("Pod", pod, "spec.containers", [], "spec.containers", "FieldValueRequired"),
    ("Pod", pod, "spec.containers", DROP, "spec.containers", "FieldValueRequired"),
    ("Pod", pod, "spec.containers", "nginx", "spec.containers", "FieldValueTypeInvalid"),
    ("Pod", pod, "metadata.labels", ["a"], "metadata.labels", "FieldValueTypeInvalid"),
    ("Pod", pod, "metadata.labels", {"a": 1}, "metadata.labels[a]", "FieldValueTypeInvalid"),
    ("Pod", pod, "spec.restartPolicy", "Sometimes", "spec.restartPolicy",
     "FieldValueNotSupported"),
    ("Pod", pod, "spec.dnsPolicy", "Google", "spec.dnsPolicy", "FieldValueNotSupported"),
    ("Pod", pod, "spec.terminationGracePeriodSeconds", -5, "spec.terminationGracePeriodSeconds",
     "FieldValueInvalid"),
    ("Pod", pod, "spec.activeDeadlineSeconds", 0, "spec.activeDeadlineSeconds",
     "FieldValueInvalid"),
    ("Pod", pod, "spec.priority", "high", "spec.priority", "FieldValueTypeInvalid"),
    ("Pod", pod, "spec.hostNetwork", "yes", "spec.hostNetwork", "FieldValueTypeInvalid"),
    ("Pod", pod, "spec.nodeSelector", {"disk type": "ssd"}, "spec.nodeSelector",
     "FieldValueInvalid"),
    ("Deployment", deployment, "spec.replicas", -1, "spec.replicas", "FieldValueInvalid"),
    ("Deployment", deployment, "spec.replicas", "3", "spec.replicas", "FieldValueTypeInvalid"),
    ("Deployment", deployment, "spec.revisionHistoryLimit", -1, "spec.revisionHistoryLimit",
     "FieldValueInvalid"),
    ("Deployment", deployment, "spec.minReadySeconds", -1, "spec.minReadySeconds",
     "FieldValueInvalid"),
    ("Deployment", deployment, "spec.progressDeadlineSeconds", 0,
     "spec.progressDeadlineSeconds", "FieldValueInvalid"),
    ("Deployment", deployment, "spec.strategy", {"type": "BlueGreen"}, "spec.strategy.type",
     "FieldValueNotSupported"),
    ("Deployment", deployment, "spec.strategy",
     {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}, "spec.strategy.rollingUpdate",
     "FieldValueForbidden"),
    ("Deployment", deployment, "spec.strategy", {"rollingUpdate": {"maxSurge": "abc"}},
     "spec.strategy.rollingUpdate.maxSurge", "FieldValueInvalid"),
    ("Deployment", deployment, "spec.strategy",
     {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}},
     "spec.strategy.rollingUpdate.maxUnavailable", "FieldValueInvalid"),
    ("Deployment", deployment, "spec.strategy", {"rollingUpdate": {"maxUnavailable": "150%"}},
     "spec.strategy.rollingUpdate.maxUnavailable", "FieldValueInvalid"),
    ("Deployment", deployment, "spec.template.spec.containers.0.image", "",
     "spec.template.spec.containers[0].image", "FieldValueRequired"),
    ("ReplicaSet", replicaset, "spec.replicas", -2, "spec.replicas", "FieldValueInvalid"),
    ("ReplicaSet", replicaset, "spec.selector", {"matchLabels": {"app": "x"}},
     "spec.template.metadata.labels", "FieldValueInvalid"),
    ("Service", service, "spec.ports", [{"port": 80, "nodePort": 30080}],
     "spec.ports[0].nodePort", "FieldValueForbidden"),
    ("Service", service, "spec.selector", {"bad key": "v"}, "spec.selector",
     "FieldValueInvalid"),
    ("Service", service, "spec.clusterIP", "10.0.0.999", "spec.clusterIP", "FieldValueInvalid"),
    ("Service", service, "spec.sessionAffinity", "Sticky", "spec.sessionAffinity",
     "FieldValueNotSupported"),
    ("Node", NODE, "status.capacity.cpu", "four", "status.capacity[cpu]", "FieldValueInvalid"),
    ("Node", NODE, "spec", {"taints": [{"key": "k", "effect": "Sometimes"}]},
     "spec.taints[0].effect", "FieldValueNotSupported"),
    ("Event", EVENT, "involvedObject", DROP, "involvedObject", "FieldValueRequired"),
    ("Lease", LEASE, "spec.leaseDurationSeconds", 0, "spec.leaseDurationSeconds",
     "FieldValueInvalid"),
    ("Lease", LEASE, "spec.leaseTransitions", "many", "spec.leaseTransitions",
     "FieldValueTypeInvalid"),
    ("Lease", LEASE, "spec.renewTime", "yesterday", "spec.renewTime", "FieldValueInvalid"),
    ("Widget", VALID["Namespace"], "metadata.name", "NO", "metadata.name", "FieldValueInvalid"),
    ("Pod", pod, "spec.containers.0.env", [{"name": "1BAD", "value": "x"}],
     "spec.containers[0].env[0].name", "FieldValueInvalid"),
    ("Pod", pod, "spec.containers.0.env", [{"value": "no name"}],
     "spec.containers[0].env[0].name", "FieldValueRequired"),
    ("Pod", pod, "spec.containers.0.env",
     [{"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
     "spec.containers[0].env[0].valueFrom", "FieldValueInvalid"),
    ("Pod", pod, "spec.containers.0.env", [{"name": "A", "valueFrom": {}}],
     "spec.containers[0].env[0].valueFrom", "FieldValueInvalid"),
    ("Pod", pod, "spec.volumes", [{"name": "a", "emptyDir": {}}, {"name": "a", "emptyDir": {}}],
     "spec.volumes[1].name", "FieldValueDuplicate"),
    ("Pod", pod, "spec.volumes", [{"name": "b"}], "spec.volumes[0]", "FieldValueRequired"),
    ("Pod", pod, "spec.volumes", [{"name": "c", "emptyDir": {}, "secret": {"secretName": "s"}}],
     "spec.volumes[0].secret", "FieldValueForbidden"),
    ("Pod", pod, "spec.volumes", [{"name": "d", "hostPath": {}}], "spec.volumes[0].hostPath.path",
     "FieldValueRequired"),
    ("Pod", pod, "spec.tolerations", [{"key": "k", "operator": "Maybe"}],
     "spec.tolerations[0].operator", "FieldValueNotSupported"),
    ("Pod", pod, "spec.tolerations", [{"key": "k", "effect": "Never"}],
     "spec.tolerations[0].effect", "FieldValueNotSupported"),
    ("Pod", pod, "spec.tolerations", [{"operator": "Equal", "value": "v"}],
     "spec.tolerations[0].operator", "FieldValueInvalid"),
    ("Pod", pod, "spec.tolerations",
     [{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5}],
     "spec.tolerations[0].effect", "FieldValueInvalid"),
    ("Pod", pod, "metadata.ownerReferences", [{"apiVersion": "v1", "kind": "X", "name": "x"}],
     "metadata.ownerReferences[0].uid", "FieldValueRequired"),
    ("Pod", pod, "metadata.ownerReferences",
     [{"apiVersion": "v1", "kind": "X", "name": n, "uid": n, "controller": True}
      for n in ("a", "b")], "metadata.ownerReferences", "FieldValueInvalid"),
    ("Deployment", deployment, "spec.selector",
     {"matchExpressions": [{"key": "app", "operator": "Like", "values": ["web"]}]},
     "spec.selector.matchExpressions[0].operator", "FieldValueNotSupported"),
    ("Deployment", deployment, "spec.selector",
     {"matchExpressions": [{"key": "app", "operator": "In"}]},
     "spec.selector.matchExpressions[0].values", "FieldValueRequired"),
    ("Deployment", deployment, "spec.template.spec.restartPolicy", "Never",
     "spec.template.spec.restartPolicy", "FieldValueNotSupported"),
    ("Endpoints", VALID["Endpoints"], "subsets.0.addresses", [{"hostname": "x"}],
     "subsets[0].addresses[0].ip", "FieldValueRequired"),
    ("Endpoints", VALID["Endpoints"], "subsets.0.ports", [{"port": 70000}],
     "subsets[0].ports[0].port", "FieldValueInvalid"),
    ("Endpoints", VALID["Endpoints"], "subsets.0.ports", [{"port": 80, "name": "a"}, {"port": 81}],
     "subsets[0].ports[1].name", "FieldValueRequired"),
]


@pytest.mark.parametrize("kind,make,path,value,field,reason", CASES,
                         ids=[f"{c[0]}-{c[4]}-{i}" for i, c in enumerate(CASES)])
def test_invalid_value_is_reported_at_field_with_reason(kind, make, path, value, field, reason):
    causes = check(kind, mutated(make, path, value))
    assert reason in [c["reason"] for c in causes if c["field"] == field], causes


def test_selected_messages_read_like_kube_apiserver():
    env = check("Pod", mutated(pod, "spec.containers.0.env", [{"name": "1BAD"}]))
    assert "valid environment variable name" in find(env, "spec.containers[0].env[0].name")[
        "message"]
    vol = check("Pod", mutated(pod, "spec.volumes", [{"name": "b"}]))
    assert find(vol, "spec.volumes[0]")["message"] == "Required value: must specify a volume type"
    restart = check("Pod", pod(restartPolicy="Sometimes"))
    assert find(restart, "spec.restartPolicy")["message"] == (
        'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"')
    long_name = check("Pod", mutated(pod, "metadata.name", "a" * 254))
    assert any("must be no more than 253 characters" in c["message"] for c in long_name)
    tol = check("Pod", mutated(pod, "spec.tolerations", [{"operator": "Equal"}]))
    assert "operator must be Exists when `key` is empty" in find(
        tol, "spec.tolerations[0].operator")["message"]


# --- metadata --------------------------------------------------------------------------------


def test_bad_pod_name_reports_rfc1123_subdomain_message():
    obj = pod()
    obj["metadata"]["name"] = "Bad_Name"
    cause = find(check("Pod", obj), "metadata.name")
    assert cause["reason"] == "FieldValueInvalid"
    assert cause["message"].startswith(
        'Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case '
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
        "character (e.g. 'example.com', regex used for validation is '")


def test_missing_name_without_generate_name_is_required():
    obj = pod()
    del obj["metadata"]["name"]
    assert find(check("Pod", obj), "metadata.name")["reason"] == "FieldValueRequired"
    obj["metadata"]["generateName"] = "web-"
    assert check("Pod", obj) == []


@pytest.mark.parametrize("labels", [{"bad key": "v"}, {"k": "bad value"}, {"k": "x" * 64},
                                    {"a/b/c": "v"}, {"-x.io/k": "v"}, {"k" * 64: "v"}])
def test_invalid_labels_are_reported_at_metadata_labels(labels):
    obj = pod()
    obj["metadata"]["labels"] = labels
    cause = find(check("Pod", obj), "metadata.labels")
    assert cause["reason"] == "FieldValueInvalid"


def test_valid_prefixed_labels_and_empty_values_are_fine():
    obj = pod()
    obj["metadata"]["labels"] = {"app.kubernetes.io/name": "web", "tier": "", "x_y.z": "A-1"}
    assert check("Pod", obj) == []


# --- pods ------------------------------------------------------------------------------------


def test_container_image_is_required():
    obj = pod()
    del obj["spec"]["containers"][0]["image"]
    cause = find(check("Pod", obj), "spec.containers[0].image")
    assert cause == {"reason": "FieldValueRequired", "message": "Required value",
                     "field": "spec.containers[0].image"}


def test_container_names_must_be_unique_across_init_and_regular_containers():
    obj = pod(initContainers=[{"name": "app", "image": "busybox"}])
    cause = find(check("Pod", obj), "spec.containers[0].name")
    assert cause == {"reason": "FieldValueDuplicate", "message": 'Duplicate value: "app"',
                     "field": "spec.containers[0].name"}


def test_container_ports_range_protocol_and_unique_names():
    obj = pod()
    obj["spec"]["containers"][0]["ports"] = [
        {"containerPort": 70000, "name": "http"},
        {"containerPort": 81, "protocol": "HTTP", "name": "http"},
    ]
    causes = check("Pod", obj)
    assert find(causes, "spec.containers[0].ports[0].containerPort")["message"] == (
        "Invalid value: 70000: must be between 1 and 65535, inclusive")
    assert find(causes, "spec.containers[0].ports[1].protocol")["message"] == (
        'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"')
    assert find(causes, "spec.containers[0].ports[1].name")["reason"] == "FieldValueDuplicate"


def test_resource_quantities_must_parse_and_requests_not_exceed_limits():
    obj = pod()
    obj["spec"]["containers"][0]["resources"] = {
        "limits": {"cpu": "500m", "memory": "lots"},
        "requests": {"cpu": "1", "cpus": "1", "example.com/gpu": "1"},
    }
    causes = check("Pod", obj)
    mem = find(causes, "spec.containers[0].resources.limits[memory]")
    assert "quantities must match the regular expression" in mem["message"]
    assert find(causes, "spec.containers[0].resources.requests")["message"] == (
        'Invalid value: "1": must be less than or equal to cpu limit of 500m')
    assert "standard resource" in find(
        causes, "spec.containers[0].resources.requests[cpus]")["message"]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1.2.3", "5ki", "", "1e", "-1"])
def test_odd_quantity_strings_are_invalid(value):
    obj = pod()
    obj["spec"]["containers"][0]["resources"] = {"requests": {"cpu": value}}
    assert "spec.containers[0].resources.requests[cpu]" in fields(check("Pod", obj))


def test_volume_mounts_must_refer_to_declared_volumes():
    obj = pod(volumes=[{"name": "data", "emptyDir": {}}])
    obj["spec"]["containers"][0]["volumeMounts"] = [
        {"name": "data", "mountPath": "/data"}, {"name": "cache", "mountPath": "/cache"}]
    cause = find(check("Pod", obj), "spec.containers[0].volumeMounts[1].name")
    assert cause["reason"] == "FieldValueNotFound"
    assert cause["message"] == 'Not found: "cache"'


def test_probes_need_exactly_one_handler_and_liveness_success_threshold_one():
    obj = pod()
    c = obj["spec"]["containers"][0]
    c["livenessProbe"] = {"httpGet": {"path": "/", "port": 80}, "successThreshold": 2}
    c["readinessProbe"] = {"periodSeconds": 5}
    c["startupProbe"] = {"exec": {"command": ["true"]}, "tcpSocket": {"port": "http"}}
    causes = check("Pod", obj)
    assert find(causes, "spec.containers[0].livenessProbe.successThreshold")["message"] == (
        "Invalid value: 2: must be 1")
    assert find(causes, "spec.containers[0].readinessProbe")["message"] == (
        "Required value: must specify a handler type")
    assert "spec.containers[0].startupProbe.tcpSocket" in fields(causes)


def test_pod_update_allows_image_change_and_toleration_additions():
    old = pod(tolerations=[{"key": "a", "operator": "Exists"}])
    apply_defaults("Pod", old)
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "nginx:1.28"
    new["spec"]["tolerations"].append({"key": "b", "operator": "Exists"})
    new["spec"]["activeDeadlineSeconds"] = 60
    assert validate("Pod", new, old) == []


def test_pod_update_forbids_other_spec_changes():
    old = pod()
    apply_defaults("Pod", old)
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["ports"][0]["containerPort"] = 81
    cause = find(validate("Pod", new, old), "spec")
    assert cause["reason"] == "FieldValueForbidden"
    assert cause["message"].startswith(
        "Forbidden: pod updates may not change fields other than ")


def test_pod_update_forbids_removing_tolerations_and_renaming():
    old = pod(tolerations=[{"key": "a", "operator": "Exists"}])
    apply_defaults("Pod", old)
    new = copy.deepcopy(old)
    new["spec"]["tolerations"] = []
    new["metadata"]["name"] = "other"
    causes = validate("Pod", new, old)
    assert "spec" in fields(causes)
    assert find(causes, "metadata.name")["message"].endswith("field is immutable")


def test_non_dict_object_is_a_cause():
    for garbage in (None, [], "pod", 3):
        causes = validate("Pod", garbage)
        assert causes and causes[0]["reason"] == "FieldValueTypeInvalid"


# --- deployments & replicasets ---------------------------------------------------------------


def test_deployment_selector_required_and_must_match_template():
    missing = deployment()
    del missing["spec"]["selector"]
    assert find(check("Deployment", missing), "spec.selector")["reason"] == "FieldValueRequired"
    mismatch = deployment(selector={"matchLabels": {"app": "other"}})
    cause = find(check("Deployment", mismatch), "spec.template.metadata.labels")
    assert cause["message"] == (
        'Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`")


def test_deployment_empty_selector_is_invalid():
    cause = find(check("Deployment", deployment(selector={})), "spec.selector")
    assert cause["message"].endswith("empty selector is invalid for deployment")
    assert cause["message"].startswith("Invalid value: v1.LabelSelector{")


def test_deployment_int_and_percent_surge_values_are_fine():
    obj = deployment(strategy={"type": "RollingUpdate",
                               "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "0%"}})
    assert check("Deployment", obj) == []


def test_deployment_and_replicaset_selector_is_immutable():
    for kind, make in (("Deployment", deployment), ("ReplicaSet", replicaset)):
        old = make()
        apply_defaults(kind, old)
        new = copy.deepcopy(old)
        new["spec"]["selector"] = {"matchLabels": {"app": "web", "v": "2"}}
        new["spec"]["template"]["metadata"]["labels"]["v"] = "2"
        cause = find(validate(kind, new, old), "spec.selector")
        assert cause["message"].endswith("field is immutable")
        scaled = copy.deepcopy(old)
        scaled["spec"]["replicas"] = 7
        assert validate(kind, scaled, old) == []


# --- services & endpoints --------------------------------------------------------------------


def test_service_type_and_ports_required():
    causes = check("Service", service(type="Cheap", ports=[]))
    assert find(causes, "spec.type")["message"] == (
        'Unsupported value: "Cheap": supported values: '
        '"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"')
    assert find(causes, "spec.ports")["reason"] == "FieldValueRequired"


def test_headless_and_external_name_services_need_no_ports():
    assert check("Service", service(clusterIP="None", ports=None)) == []
    ext = service(type="ExternalName", externalName="db.example.com", ports=None)
    del ext["spec"]["selector"]
    assert check("Service", ext) == []
    missing = service(type="ExternalName", ports=None)
    assert "spec.externalName" in fields(check("Service", missing))


def test_service_port_checks():
    obj = service(type="NodePort", ports=[
        {"port": 0, "name": "a"},
        {"port": 80, "targetPort": "Not_A_Name", "name": "b"},
        {"port": 81, "nodePort": 80, "name": "c"},
        {"port": 82, "name": "c", "protocol": "ICMP"},
        {"port": 83},
    ])
    causes = check("Service", obj)
    assert find(causes, "spec.ports[0].port")["message"] == (
        "Invalid value: 0: must be between 1 and 65535, inclusive")
    assert "spec.ports[1].targetPort" in fields(causes)
    assert find(causes, "spec.ports[2].nodePort")["message"].endswith(
        "The range of valid ports is 30000-32767")
    assert find(causes, "spec.ports[3].name")["reason"] == "FieldValueDuplicate"
    assert find(causes, "spec.ports[3].protocol")["reason"] == "FieldValueNotSupported"
    assert find(causes, "spec.ports[4].name")["reason"] == "FieldValueRequired"


def test_service_named_target_port_and_node_port_ok():
    obj = service(type="NodePort", ports=[{"port": 80, "targetPort": "http", "nodePort": 30080}])
    assert check("Service", obj) == []


def test_service_cluster_ip_is_immutable_but_may_be_omitted():
    old = service(clusterIP="10.96.0.10")
    apply_defaults("Service", old)
    changed = copy.deepcopy(old)
    changed["spec"]["clusterIP"] = "10.96.0.11"
    cause = find(validate("Service", changed, old), "spec.clusterIP")
    assert cause["message"] == 'Invalid value: "10.96.0.11": field is immutable'
    omitted = copy.deepcopy(old)
    del omitted["spec"]["clusterIP"]
    assert validate("Service", omitted, old) == []


@pytest.mark.parametrize(("kind", "make", "path"), [
    ("Pod", pod, ("spec", "containers")),
    ("Pod", pod, ("spec", "tolerations")),
    ("Deployment", deployment, ("spec", "template", "spec", "containers")),
    ("Service", service, ("spec", "ports")),
])
def test_a_null_item_in_a_list_of_objects_is_required(kind, make, path):
    # Found by `make fuzz`: `containers: [..., null]` passed validation and was stored,
    # and the scheduler then failed on the pod. Kubernetes decodes null to an empty
    # object, whose required fields fail; the cause here is the item itself.
    obj = make()
    parent = obj
    for step in path[:-1]:
        parent = parent[step]
    items = parent.setdefault(path[-1], [])
    parent[path[-1]] = [*items, None]
    causes = check(kind, obj)
    where = ".".join(path) + f"[{len(items)}]"
    assert find(causes, where)["reason"] == "FieldValueRequired"
