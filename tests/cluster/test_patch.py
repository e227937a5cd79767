"""Unit tests for cluster.patch: merge patch, JSON patch and strategic merge patch."""

import copy

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cluster.patch import (
    PatchError,
    apply_json_patch,
    apply_merge_patch,
    apply_strategic_merge_patch,
    merge_key,
    merges_as_set,
)


def deployment() -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web", "gone": "soon"}},
        "spec": {
            "replicas": 2,
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "v1",
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "args": ["--a", "--b"],
                        },
                        {"name": "sidecar", "image": "proxy"},
                    ],
                    "tolerations": [{"key": "x", "operator": "Exists"}],
                },
            },
        },
    }


def containers(obj: dict) -> list:
    return obj["spec"]["template"]["spec"]["containers"]


def all_keys(value) -> set:
    """Every map key anywhere in a JSON value, to check no directive leaked into a result."""
    if isinstance(value, dict):
        return set(value) | set().union(*(all_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(all_keys(v) for v in value))
    return set()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=10,
)
json_objects = st.dictionaries(st.text(max_size=3), json_values, max_size=4)


# --- merge table ---


def test_merge_key_finds_pod_spec_lists_at_kind_specific_paths():
    assert merge_key("Pod", ("spec", "containers")) == "name"
    assert merge_key("Deployment", ("spec", "template", "spec", "containers")) == "name"
    assert merge_key("ReplicaSet", ("spec", "template", "spec", "initContainers", "env")) == "name"
    assert merge_key("Pod", ("spec", "containers", "ports")) == "containerPort"
    assert merge_key("Pod", ("spec", "containers", "volumeMounts")) == "mountPath"
    assert merge_key("Pod", ("spec", "hostAliases")) == "ip"
    assert merge_key("Service", ("spec", "ports")) == "port"
    assert merge_key("Node", ("status", "addresses")) == "type"
    assert merge_key("Lease", ("metadata", "ownerReferences")) == "uid"


def test_merge_key_is_none_for_replaced_lists():
    assert merge_key("Pod", ("spec", "tolerations")) is None
    assert merge_key("Pod", ("spec", "containers", "args")) is None
    assert merge_key("Deployment", ("spec", "containers")) is None  # not where a pod spec lives
    assert merge_key("Endpoints", ("subsets",)) is None


def test_finalizers_merge_as_a_set():
    assert merges_as_set("Namespace", ("metadata", "finalizers"))
    assert not merges_as_set("Namespace", ("spec", "finalizers"))


# --- JSON merge patch ---


def test_merge_patch_sets_and_deletes_labels():
    result = apply_merge_patch(deployment(), {"metadata": {"labels": {"x": "y", "gone": None}}})
    assert result["metadata"]["labels"] == {"app": "web", "x": "y"}


def test_merge_patch_replaces_lists_wholesale():
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "only"}]}}}}
    assert containers(apply_merge_patch(deployment(), patch)) == [{"name": "only"}]


def test_merge_patch_does_not_mutate_inputs():
    target, patch = deployment(), {"spec": {"replicas": 5, "template": {"metadata": None}}}
    before = (copy.deepcopy(target), copy.deepcopy(patch))
    result = apply_merge_patch(target, patch)
    assert (target, patch) == before
    result["metadata"]["labels"]["new"] = "x"
    assert "new" not in target["metadata"]["labels"]


def test_merge_patch_rejects_non_object_body():
    with pytest.raises(PatchError, match="must be a map, got list"):
        apply_merge_patch({}, [1])


@given(json_objects)
def test_merge_patch_with_empty_patch_is_identity(target):
    assert apply_merge_patch(target, {}) == target


@given(json_objects, json_objects)
def test_merge_patch_is_idempotent(target, patch):
    once = apply_merge_patch(target, patch)
    assert apply_merge_patch(once, patch) == once


# --- JSON patch ---


def test_json_patch_add_replace_remove():
    ops = [
        {"op": "add", "path": "/metadata/labels/tier", "value": "front"},
        {"op": "replace", "path": "/spec/replicas", "value": 4},
        {"op": "remove", "path": "/metadata/labels/gone"},
    ]
    result = apply_json_patch(deployment(), ops)
    assert result["metadata"]["labels"] == {"app": "web", "tier": "front"}
    assert result["spec"]["replicas"] == 4


def test_json_patch_unescapes_pointer_tokens():
    target = {"metadata": {"annotations": {"a/b": "1", "c~d": "2"}}}
    ops = [
        {"op": "remove", "path": "/metadata/annotations/a~1b"},
        {"op": "replace", "path": "/metadata/annotations/c~0d", "value": "3"},
        {"op": "add", "path": "/metadata/annotations/~01", "value": "tilde-one"},
    ]
    annotations = apply_json_patch(target, ops)["metadata"]["annotations"]
    assert annotations == {"c~d": "3", "~1": "tilde-one"}


def test_json_patch_dash_appends_and_index_inserts():
    target = {"spec": {"items": ["a", "c"]}}
    ops = [
        {"op": "add", "path": "/spec/items/-", "value": "d"},
        {"op": "add", "path": "/spec/items/1", "value": "b"},
    ]
    assert apply_json_patch(target, ops)["spec"]["items"] == ["a", "b", "c", "d"]


def test_json_patch_move_and_copy():
    target = {"a": {"x": 1}, "b": {}}
    ops = [
        {"op": "copy", "from": "/a/x", "path": "/b/y"},
        {"op": "move", "from": "/a", "path": "/c"},
    ]
    assert apply_json_patch(target, ops) == {"b": {"y": 1}, "c": {"x": 1}}


def test_json_patch_test_op_passes_and_uses_json_equality():
    target = {"spec": {"replicas": 1, "paused": False}}
    ops = [
        {"op": "test", "path": "/spec/replicas", "value": 1.0},
        {"op": "test", "path": "/spec", "value": {"replicas": 1, "paused": False}},
    ]
    assert apply_json_patch(target, ops) == target


def test_json_patch_failed_test_names_path_and_values():
    with pytest.raises(PatchError, match=r'test failed: value at "/spec/paused" is false, '
                                         r"expected 0"):
        apply_json_patch({"spec": {"paused": False}},
                         [{"op": "test", "path": "/spec/paused", "value": 0}])


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        ({"op": "add"}, "JSON patch body must be a list, got map"),
        ([{"op": "frobnicate", "path": "/a"}], 'operation 0: unknown op "frobnicate"'),
        (["add"], "operation 0: expected a map, got string"),
        ([{"op": "add", "path": "/a"}], 'operation 0 \\("add"\\): missing "value"'),
        ([{"op": "remove"}], 'missing "path"'),
        ([{"op": "move", "path": "/b"}], 'missing "from"'),
        ([{"op": "remove", "path": "/nope"}], 'path "/nope" does not exist'),
        ([{"op": "replace", "path": "/nope", "value": 1}], 'path "/nope" does not exist'),
        ([{"op": "add", "path": "/x/y", "value": 1}], 'path "/x/y" does not exist'),
        ([{"op": "add", "path": "a", "value": 1}], 'must start with "/"'),
        ([{"op": "add", "path": "/a~2", "value": 1}], '"~" must be followed by 0/1'),
        ([{"op": "add", "path": "/list/5", "value": 1}], "index 5 is out of range"),
        ([{"op": "remove", "path": "/list/-"}], '"-" is only valid when adding'),
        ([{"op": "remove", "path": "/list/01"}], 'invalid list index "01"'),
        ([{"op": "remove", "path": ""}], "cannot remove the whole object"),
        ([{"op": "move", "from": "/a", "path": "/a/b"}], "into its own child"),
        ([{"op": "replace", "path": "", "value": [1]}], "must leave an object"),
        ([{"op": "ok", "path": "/a"}, {"op": "add"}], 'operation 0: unknown op "ok"'),
        ([{"op": "add", "path": "/a", "value": 2}, {"op": "remove", "path": "/z"}],
         'operation 1 \\("remove"\\)'),
    ],
)
def test_json_patch_invalid_ops_raise_patch_error(ops, message):
    with pytest.raises(PatchError, match=message):
        apply_json_patch({"a": 1, "list": [1, 2]}, ops)


def test_json_patch_failure_leaves_target_untouched():
    target = {"a": 1}
    with pytest.raises(PatchError):
        apply_json_patch(target, [{"op": "add", "path": "/b", "value": 2},
                                  {"op": "test", "path": "/a", "value": 9}])
    assert target == {"a": 1}


@given(json_objects)
def test_json_patch_with_no_ops_is_identity(target):
    assert apply_json_patch(target, []) == target


# --- strategic merge patch: the bodies kubectl sends ---


def test_strategic_merge_kubectl_apply_updates_image_and_deletes_env_item_by_name():
    patch = {"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "app"}],
        "containers": [{"name": "app", "image": "v2", "env": [{"$patch": "delete", "name": "B"}]}],
    }}}}
    target = deployment()
    result = apply_strategic_merge_patch(target, patch, "Deployment")
    app, sidecar = containers(result)
    assert app["image"] == "v2"
    assert app["env"] == [{"name": "A", "value": "1"}]
    assert app["ports"] == [{"containerPort": 80, "protocol": "TCP"}]  # untouched fields stay
    assert sidecar == {"name": "sidecar", "image": "proxy"}  # not in the order list: kept, last
    assert not any(key.startswith("$") for key in all_keys(result))
    assert target == deployment()


def test_strategic_merge_result_shares_nothing_with_the_patch():
    patch = {"spec": {"containers": [{"name": "a", "args": ["x"], "env": [{"name": "E"}]}]}}
    before = copy.deepcopy(patch)
    result = apply_strategic_merge_patch({"spec": {"containers": []}}, patch, "Pod")
    result["spec"]["containers"][0]["args"].append("y")
    result["spec"]["containers"][0]["env"][0]["value"] = "v"
    assert patch == before


def test_strategic_merge_label_patch_sets_and_deletes_keys():
    patch = {"metadata": {"labels": {"x": "y", "gone": None}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    assert result["metadata"]["labels"] == {"app": "web", "x": "y"}


def test_strategic_merge_annotate_creates_missing_map():
    patch = {"metadata": {"annotations": {"note": "hi"}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    assert result["metadata"]["annotations"] == {"note": "hi"}


def test_strategic_merge_scale_sets_replicas():
    result = apply_strategic_merge_patch(deployment(), {"spec": {"replicas": 5}}, "Deployment")
    assert result["spec"]["replicas"] == 5
    assert containers(result) == containers(deployment())


def test_strategic_merge_rollout_restart_adds_template_annotation():
    stamp = {"kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z"}
    patch = {"spec": {"template": {"metadata": {"annotations": stamp}}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    template_metadata = result["spec"]["template"]["metadata"]
    assert template_metadata == {"labels": {"app": "web"}, "annotations": stamp}


def test_strategic_merge_appends_new_keyed_items_and_merges_existing():
    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "env": [{"name": "A", "value": "9"}, {"name": "C", "value": "3"}]},
        {"name": "new", "image": "busybox"},
    ]}}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    assert [c["name"] for c in containers(result)] == ["app", "sidecar", "new"]
    assert containers(result)[0]["env"] == [
        {"name": "A", "value": "9"}, {"name": "B", "value": "2"}, {"name": "C", "value": "3"},
    ]


def test_strategic_merge_set_element_order_reorders_items():
    patch = {"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}],
    }}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    assert [c["name"] for c in containers(result)] == ["sidecar", "app"]


def test_strategic_merge_replaces_lists_without_merge_key():
    patch = {"spec": {"template": {"spec": {
        "tolerations": [{"key": "y", "operator": "Exists"}],
        "containers": [{"name": "app", "args": ["--c"]}],
    }}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    assert result["spec"]["template"]["spec"]["tolerations"] == [{"key": "y", "operator": "Exists"}]
    assert containers(result)[0]["args"] == ["--c"]


def test_strategic_merge_merges_container_ports_by_container_port():
    pod = {"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80}]}]}}
    patch = {"spec": {"containers": [{"name": "a", "ports": [
        {"containerPort": 80, "name": "http"}, {"containerPort": 443},
    ]}]}}
    result = apply_strategic_merge_patch(pod, patch, "Pod")
    assert result["spec"]["containers"][0]["ports"] == [
        {"containerPort": 80, "name": "http"}, {"containerPort": 443},
    ]


def test_strategic_merge_merges_service_ports_by_port():
    service = {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}}
    patch = {"spec": {"ports": [{"port": 80, "targetPort": 9090}, {"port": 8443}]}}
    result = apply_strategic_merge_patch(service, patch, "Service")
    assert result["spec"]["ports"] == [
        {"port": 80, "targetPort": 9090}, {"port": 443}, {"port": 8443},
    ]


def test_strategic_merge_deletes_service_port_by_port():
    service = {"spec": {"ports": [{"port": 80}, {"port": 443}]}}
    patch = {"spec": {"ports": [{"$patch": "delete", "port": 80}]}}
    result = apply_strategic_merge_patch(service, patch, "Service")
    assert result["spec"]["ports"] == [{"port": 443}]


def test_strategic_merge_updates_node_condition_by_type():
    node = {"status": {"conditions": [
        {"type": "Ready", "status": "False"}, {"type": "DiskPressure", "status": "False"},
    ]}}
    patch = {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    result = apply_strategic_merge_patch(node, patch, "Node")
    assert result["status"]["conditions"] == [
        {"type": "Ready", "status": "True"}, {"type": "DiskPressure", "status": "False"},
    ]


def test_strategic_merge_merges_finalizers_as_set():
    obj = {"metadata": {"finalizers": ["a", "b"]}}
    patch = {"metadata": {"finalizers": ["b", "c"]}}
    result = apply_strategic_merge_patch(obj, patch, "Namespace")
    assert result["metadata"]["finalizers"] == ["a", "b", "c"]


def test_strategic_merge_delete_from_primitive_list_removes_finalizer():
    obj = {"metadata": {"finalizers": ["a", "b", "c"]}}
    patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"]}}
    result = apply_strategic_merge_patch(obj, patch, "Pod")
    assert result["metadata"] == {"finalizers": ["a", "c"]}


def test_strategic_merge_owner_references_merge_by_uid():
    obj = {"metadata": {"ownerReferences": [{"uid": "1", "name": "a"}]}}
    patch = {"metadata": {"ownerReferences": [{"uid": "2", "name": "b"}]}}
    result = apply_strategic_merge_patch(obj, patch, "ReplicaSet")
    assert [ref["uid"] for ref in result["metadata"]["ownerReferences"]] == ["1", "2"]


def test_strategic_merge_patch_replace_on_map_replaces_it():
    patch = {"spec": {"template": {"metadata": {"$patch": "replace", "labels": {"v": "2"}}}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    assert result["spec"]["template"]["metadata"] == {"labels": {"v": "2"}}


def test_strategic_merge_patch_replace_item_replaces_keyed_list():
    patch = {"spec": {"template": {"spec": {"containers": [
        {"$patch": "replace"}, {"name": "solo", "image": "x"},
    ]}}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    assert containers(result) == [{"name": "solo", "image": "x"}]


def test_strategic_merge_patch_delete_on_map_removes_it():
    patch = {"spec": {"template": {"metadata": {"$patch": "delete"}}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    assert "metadata" not in result["spec"]["template"]


def test_strategic_merge_retain_keys_clears_unlisted_fields():
    obj = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    result = apply_strategic_merge_patch(obj, patch, "Deployment")
    assert result["spec"]["strategy"] == {"type": "Recreate"}


def test_strategic_merge_new_items_have_nulls_and_directives_stripped():
    patch = {"spec": {"containers": [
        {"name": "b", "image": "x", "command": None, "resources": {"$patch": "replace"}},
    ]}}
    result = apply_strategic_merge_patch({"spec": {"containers": []}}, patch, "Pod")
    assert result["spec"]["containers"] == [{"name": "b", "image": "x", "resources": {}}]


def test_strategic_merge_on_unknown_kind_merges_maps_and_replaces_lists():
    obj = {"data": {"a": "1"}, "items": [1, 2]}
    result = apply_strategic_merge_patch(obj, {"data": {"b": "2"}, "items": [3]}, "Widget")
    assert result == {"data": {"a": "1", "b": "2"}, "items": [3]}


@pytest.mark.parametrize(
    ("target", "patch", "message"),
    [
        ({}, [1], "strategic merge patch body must be a map, got list"),
        ({"metadata": {"labels": {}}}, {"metadata": {"labels": ["a"]}},
         "expected a map at metadata.labels, but the patch has a list"),
        ({}, {"spec": {"containers": {"name": "a"}}},
         "expected a list at spec.containers, but the patch has a map"),
        ({}, {"spec": {"$frobnicate": 1}}, 'unknown directive "\\$frobnicate" at spec'),
        ({}, {"spec": {"$patch": "explode"}}, 'unknown \\$patch value "explode" at spec'),
        ({}, {"spec": {"containers": [{"image": "x"}]}},
         'list item at spec.containers has no merge key "name"'),
        ({}, {"spec": {"containers": ["app"]}}, "but the patch has a string item"),
        ({}, {"spec": {"tolerations": [{"$patch": "delete", "key": "x"}]}},
         "only allowed in lists that merge by key"),
        ({}, {"spec": {"$setElementOrder/containers": [{"image": "x"}]}},
         "must list maps with the merge key"),
        ({}, {"spec": {"$retainKeys": "type"}}, "must be a list"),
        ({}, {"$patch": "delete"}, "cannot delete the whole object"),
    ],
)
def test_strategic_merge_bad_shapes_raise_patch_error(target, patch, message):
    # $setElementOrder is only checked when the list exists, so give the pod one container.
    target = {**target, "spec": {**target.get("spec", {}), "containers": [{"name": "a"}]}}
    with pytest.raises(PatchError, match=message):
        apply_strategic_merge_patch(target, patch, "Pod")


@given(json_objects)
def test_strategic_merge_with_empty_patch_is_identity(target):
    assert apply_strategic_merge_patch(target, {}, "Pod") == target


@given(json_objects, json_objects.filter(lambda p: not any(k.startswith("$") for k in all_keys(p))))
def test_strategic_merge_without_directives_matches_merge_patch_for_unknown_kinds(target, patch):
    # With no merge keys in play, a strategic merge patch is exactly an RFC 7386 merge patch,
    # except that it refuses to turn a list into a map or back (skip those examples).
    try:
        result = apply_strategic_merge_patch(target, patch, "Widget")
    except PatchError:
        assume(False)
    assert result == apply_merge_patch(target, patch)
