"""cluster.validation.apply_defaults / pod_spec_paths: Kubernetes defaulting."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster.validation import apply_defaults, pod_spec_paths, unknown_fields, validate


def bare_pod() -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                                     "ports": [{"containerPort": 80}]}]}}


def bare_deployment() -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"app": "d"}},
                     "template": {"metadata": {"labels": {"app": "d"}},
                                  "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}}


def test_pod_spec_defaults():
    obj = bare_pod()
    apply_defaults("Pod", obj)
    spec = obj["spec"]
    assert spec["restartPolicy"] == "Always"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["securityContext"] == {}


def test_container_defaults():
    obj = bare_pod()
    apply_defaults("Pod", obj)
    c = obj["spec"]["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert c["resources"] == {}
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


@pytest.mark.parametrize("image,policy", [
    ("nginx", "Always"),
    ("nginx:latest", "Always"),
    ("nginx:1.27", "IfNotPresent"),
    ("localhost:5000/team/app", "Always"),
    ("localhost:5000/team/app:v2", "IfNotPresent"),
    ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
    ("registry.example.com/app:latest", "Always"),
])
def test_image_pull_policy_depends_on_tag(image, policy):
    obj = bare_pod()
    obj["spec"]["containers"][0]["image"] = image
    apply_defaults("Pod", obj)
    assert obj["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_init_containers_get_container_defaults_too():
    obj = bare_pod()
    obj["spec"]["initContainers"] = [{"name": "init", "image": "busybox:1.36"}]
    apply_defaults("Pod", obj)
    init = obj["spec"]["initContainers"][0]
    assert init["imagePullPolicy"] == "IfNotPresent"
    assert init["terminationMessagePolicy"] == "File"


def test_user_values_are_kept():
    obj = bare_pod()
    obj["spec"].update(restartPolicy="Never", terminationGracePeriodSeconds=5,
                       dnsPolicy="Default", securityContext={"runAsUser": 1000})
    obj["spec"]["containers"][0].update(imagePullPolicy="Never",
                                        ports=[{"containerPort": 53, "protocol": "UDP"}])
    apply_defaults("Pod", obj)
    assert obj["spec"]["restartPolicy"] == "Never"
    assert obj["spec"]["terminationGracePeriodSeconds"] == 5
    assert obj["spec"]["dnsPolicy"] == "Default"
    assert obj["spec"]["securityContext"] == {"runAsUser": 1000}
    assert obj["spec"]["containers"][0]["imagePullPolicy"] == "Never"
    assert obj["spec"]["containers"][0]["ports"][0]["protocol"] == "UDP"


def test_probe_defaults():
    obj = bare_pod()
    obj["spec"]["containers"][0]["livenessProbe"] = {"httpGet": {"port": 80}}
    apply_defaults("Pod", obj)
    probe = obj["spec"]["containers"][0]["livenessProbe"]
    assert probe["timeoutSeconds"] == 1
    assert probe["periodSeconds"] == 10
    assert probe["successThreshold"] == 1
    assert probe["failureThreshold"] == 3
    assert probe["httpGet"] == {"port": 80, "path": "/", "scheme": "HTTP"}


def test_pod_requests_default_to_limits():
    obj = bare_pod()
    obj["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1", "memory": "1Gi"},
                                                 "requests": {"cpu": "500m"}}
    apply_defaults("Pod", obj)
    assert obj["spec"]["containers"][0]["resources"]["requests"] == {
        "cpu": "500m", "memory": "1Gi"}


def test_deployment_defaults():
    obj = bare_deployment()
    apply_defaults("Deployment", obj)
    spec = obj["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate",
                                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    tspec = spec["template"]["spec"]
    assert tspec["restartPolicy"] == "Always"
    assert tspec["containers"][0]["imagePullPolicy"] == "Always"


def test_deployment_keeps_given_strategy_and_replicas():
    obj = bare_deployment()
    obj["spec"]["replicas"] = 0
    obj["spec"]["strategy"] = {"type": "Recreate"}
    apply_defaults("Deployment", obj)
    assert obj["spec"]["replicas"] == 0
    assert obj["spec"]["strategy"] == {"type": "Recreate"}
    partial = bare_deployment()
    partial["spec"]["strategy"] = {"rollingUpdate": {"maxSurge": 1}}
    apply_defaults("Deployment", partial)
    assert partial["spec"]["strategy"] == {
        "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}}


def test_replicaset_defaults():
    obj = bare_deployment()
    obj["kind"] = "ReplicaSet"
    apply_defaults("ReplicaSet", obj)
    assert obj["spec"]["replicas"] == 1
    assert "strategy" not in obj["spec"]
    assert obj["spec"]["template"]["spec"]["dnsPolicy"] == "ClusterFirst"


def test_service_defaults():
    obj = {"kind": "Service", "metadata": {"name": "s"},
           "spec": {"ports": [{"port": 80}, {"port": 53, "protocol": "UDP", "targetPort": "dns"}]}}
    apply_defaults("Service", obj)
    spec = obj["spec"]
    assert spec["type"] == "ClusterIP"
    assert spec["sessionAffinity"] == "None"
    assert spec["ports"][0] == {"port": 80, "protocol": "TCP", "targetPort": 80}
    assert spec["ports"][1] == {"port": 53, "protocol": "UDP", "targetPort": "dns"}


def test_node_port_service_gets_external_traffic_policy():
    obj = {"kind": "Service", "spec": {"type": "NodePort", "ports": [{"port": 80}]}}
    apply_defaults("Service", obj)
    assert obj["spec"]["externalTrafficPolicy"] == "Cluster"


def test_namespace_gets_its_name_label():
    obj = {"kind": "Namespace", "metadata": {"name": "team-a", "labels": {"x": "y"}}}
    apply_defaults("Namespace", obj)
    assert obj["metadata"]["labels"] == {"x": "y", "kubernetes.io/metadata.name": "team-a"}


def test_defaults_are_idempotent():
    for kind, make in (("Pod", bare_pod), ("Deployment", bare_deployment)):
        obj = make()
        apply_defaults(kind, obj)
        once = copy.deepcopy(obj)
        apply_defaults(kind, obj)
        assert obj == once


@pytest.mark.parametrize("obj", [
    {"spec": "x"},
    {"spec": {"containers": "x", "initContainers": [1, None, "y"]}},
    {"spec": {"containers": [{"image": 5, "ports": "x", "resources": [],
                              "livenessProbe": "y", "env": [1, {"valueFrom": 2}]}]}},
    {"spec": {"template": [], "strategy": "fast", "ports": {"a": 1}}},
    {"spec": {"template": {"spec": {"containers": [{"ports": [None, {"protocol": 7}]}]}}}},
    {"spec": {"strategy": {"rollingUpdate": "x"}, "type": ["ClusterIP"]}},
    {"metadata": "x"},
    {"metadata": {"name": "n", "labels": "x"}},
    [],
    None,
])
@pytest.mark.parametrize("kind", ["Pod", "Deployment", "ReplicaSet", "Service", "Namespace",
                                  "Node", "Event", "Lease", "Endpoints", "Unknown"])
def test_malformed_input_never_raises(kind, obj):
    apply_defaults(kind, copy.deepcopy(obj))


def test_pod_spec_paths():
    assert pod_spec_paths("Pod") == "spec"
    assert pod_spec_paths("Deployment") == "spec.template.spec"
    assert pod_spec_paths("ReplicaSet") == "spec.template.spec"
    assert pod_spec_paths("Service") is None


def test_realistic_full_manifest_has_no_unknown_fields():
    obj = bare_deployment()
    tspec = obj["spec"]["template"]["spec"]
    tspec.update({
        "serviceAccountName": "sa", "nodeSelector": {"disk": "ssd"},
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {
                "labelSelector": {"matchLabels": {"app": "web"}},
                "topologyKey": "kubernetes.io/hostname"}}]}},
        "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
        "securityContext": {"runAsNonRoot": True, "fsGroup": 2000,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "volumes": [{"name": "cfg", "configMap": {"name": "cfg", "items": [
            {"key": "a", "path": "a"}]}},
                    {"name": "tok", "projected": {"sources": [
                        {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
                        {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {
                            "fieldPath": "metadata.labels"}}]}}]}}],
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone",
                                       "whenUnsatisfiable": "DoNotSchedule"}],
    })
    tspec["containers"][0].update({
        "env": [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "envFrom": [{"configMapRef": {"name": "cfg"}}],
        "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg", "readOnly": True}],
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080,
                                      "httpHeaders": [{"name": "X", "value": "y"}]}},
        "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},
        "securityContext": {"allowPrivilegeEscalation": False,
                            "capabilities": {"drop": ["ALL"]}},
        "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "128Mi"}},
    })
    apply_defaults("Deployment", obj)
    assert unknown_fields("Deployment", obj) == []
    assert validate("Deployment", obj) == []


# --- the defaulting + validation pipeline never raises ---------------------------------------
# The API fuzz test posts arbitrary JSON and requires a 4xx, never a 500: apply_defaults,
# validate and unknown_fields must all survive any input shape.

SAMPLES = {
    "Pod": bare_pod,
    "Deployment": bare_deployment,
    "ReplicaSet": lambda: {**bare_deployment(), "kind": "ReplicaSet"},
    "Service": lambda: {"kind": "Service", "metadata": {"name": "s", "namespace": "d"},
                        "spec": {"selector": {"a": "b"}, "ports": [{"port": 80}]}},
    "Endpoints": lambda: {"kind": "Endpoints", "metadata": {"name": "s", "namespace": "d"},
                          "subsets": [{"addresses": [{"ip": "10.0.0.1"}],
                                       "ports": [{"port": 80}]}]},
    "Namespace": lambda: {"kind": "Namespace", "metadata": {"name": "ns"}},
    "Node": lambda: {"kind": "Node", "metadata": {"name": "n"},
                     "spec": {"taints": [{"key": "k", "effect": "NoSchedule"}]},
                     "status": {"capacity": {"cpu": "2"}}},
    "Event": lambda: {"kind": "Event", "metadata": {"name": "e", "namespace": "d"},
                      "involvedObject": {"kind": "Pod", "name": "p"}, "count": 1},
    "Lease": lambda: {"kind": "Lease", "metadata": {"name": "l", "namespace": "d"},
                      "spec": {"holderIdentity": "x", "leaseDurationSeconds": 10}},
}


def run_everything(kind: str, obj) -> None:
    apply_defaults(kind, obj)
    assert isinstance(validate(kind, obj), list)
    assert isinstance(validate(kind, obj, obj), list)
    assert isinstance(unknown_fields(kind, obj), list)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_samples_are_valid_after_defaults(kind):
    obj = SAMPLES[kind]()
    apply_defaults(kind, obj)
    assert validate(kind, obj) == []
    assert unknown_fields(kind, obj) == []


EXTREME_QUANTITIES = [10**400, -(10**400), 10**5000, 1e308, float("nan"), float("inf"), True,
                      "1e99999999999999999999999", "9" * 5000]


@pytest.mark.parametrize("value", EXTREME_QUANTITIES,
                         ids=[f"q{i}" for i in range(len(EXTREME_QUANTITIES))])
def test_extreme_quantity_values_never_raise(value):
    obj = bare_pod()
    obj["spec"]["containers"][0]["resources"] = {"limits": {"cpu": value},
                                                 "requests": {"cpu": value}}
    run_everything("Pod", obj)


# --- never raise -----------------------------------------------------------------------------

KNOWN_KEYS = ["metadata", "spec", "status", "name", "namespace", "labels", "annotations",
              "containers", "initContainers", "image", "ports", "containerPort", "resources",
              "limits", "requests", "volumes", "volumeMounts", "env", "valueFrom", "selector",
              "matchLabels", "matchExpressions", "template", "strategy", "rollingUpdate",
              "maxSurge", "maxUnavailable", "replicas", "type", "port", "targetPort",
              "nodePort", "clusterIP", "subsets", "addresses", "ip", "tolerations",
              "livenessProbe", "httpGet", "exec", "involvedObject", "capacity",
              "ownerReferences", "restartPolicy", "emptyDir", "protocol", "key", "operator"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from([10**400, -(10**30), 2**63, float("inf")])
    | st.sampled_from(["", "Always", "None", "TCP", "25%", "1Gi", "NaN", "-1", "a" * 300]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=8), children, max_size=5),
    max_leaves=40,
)
KINDS = sorted(SAMPLES) + ["Unknown"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), obj=json_values)
def test_arbitrary_json_never_raises(kind, obj):
    run_everything(kind, obj)


def _paths(node, prefix=()):
    """Every (container, key) location inside a manifest, to graft garbage onto."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(SAMPLES)), data=st.data())
def test_garbage_grafted_into_valid_manifests_never_raises(kind, data):
    obj = SAMPLES[kind]()
    apply_defaults(kind, obj)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(obj))
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = obj
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = data.draw(json_values)
    old = SAMPLES[kind]()
    apply_defaults(kind, old)
    apply_defaults(kind, obj)
    assert isinstance(validate(kind, obj, old), list)
    assert isinstance(unknown_fields(kind, obj), list)


@pytest.mark.parametrize("kind", KINDS)
def test_huge_and_deeply_nested_input_never_raises(kind):
    huge = 10**5000  # beyond Python's int->str digit limit: must not break messages
    run_everything(kind, {"metadata": {"name": huge}, "spec": {"replicas": -huge,
                                                               "ports": [{"port": huge}]}})
    deep: object = "x"
    for _ in range(5000):
        deep = {"spec": [deep]}
    obj = {"metadata": {"name": "é" * 100_000, "labels": {"k" * 10_000: "v" * 10_000}},
           "spec": deep, "status": deep, "subsets": deep, "involvedObject": deep}
    run_everything(kind, obj)
    causes = validate(kind, obj)
    assert all(len(c["message"]) < 2000 for c in causes)


def test_null_map_values_and_string_items_decode_to_zero_values():
    # Found by `make fuzz`: a Service stored with `selector: {a: null}` failed the
    # endpoints controller on every reconcile. Kubernetes decodes null to "" (a quantity
    # to 0), and so does admission now.
    svc = {"kind": "Service", "metadata": {"name": "s", "labels": {"x": None}},
           "spec": {"selector": {"a": None}, "ports": [{"port": 80}]}}
    apply_defaults("Service", svc)
    assert svc["spec"]["selector"] == {"a": ""}
    assert svc["metadata"]["labels"] == {"x": ""}
    pod = bare_pod()
    pod["spec"]["containers"][0].update(args=["a", None],
                                        resources={"limits": {"cpu": None}})
    apply_defaults("Pod", pod)
    container = pod["spec"]["containers"][0]
    assert container["args"] == ["a", ""]
    assert container["resources"]["limits"] == {"cpu": "0"}
    assert validate("Service", svc) == []
