"""kubectl-apply bookkeeping for the editor: 3-way merge and created/configured/unchanged."""
from __future__ import annotations

import copy
import json

from dashboard.editor_merge import (
    LAST_APPLIED,
    for_editing,
    last_applied_of,
    outcome,
    three_way,
    with_last_applied,
)


def manifest(replicas: int = 2, image: str = "kubelab/hello:1", **extra) -> dict:
    spec = {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "web", "image": image, **extra}]}}}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns"}, "spec": spec}


def live_from(sent: dict) -> dict:
    """What the server would store: defaults, server metadata, a controller's annotation."""
    live = copy.deepcopy(sent)
    live["metadata"].update(uid="u1", resourceVersion="42", generation=1,
                            creationTimestamp="2026-01-01T00:00:00Z")
    live["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "1"
    container = live["spec"]["template"]["spec"]["containers"][0]
    container.update(imagePullPolicy="IfNotPresent", terminationMessagePath="/dev/termination-log")
    live["spec"]["strategy"] = {"type": "RollingUpdate"}
    live["status"] = {"replicas": 2, "readyReplicas": 2}
    return live


def apply_to(live: dict, new_manifest: dict) -> dict:
    return three_way("Deployment", last_applied_of(live), with_last_applied(new_manifest), live)


def test_a_new_object_is_created():
    assert outcome(None, with_last_applied(manifest())) == "created"


def test_applying_the_same_manifest_again_is_unchanged():
    live = live_from(with_last_applied(manifest()))
    merged = apply_to(live, manifest())
    assert merged == live
    assert outcome(live, merged) == "unchanged"


def test_a_changed_field_is_configured_and_server_fields_survive():
    live = live_from(with_last_applied(manifest()))
    merged = apply_to(live, manifest(replicas=5))
    assert outcome(live, merged) == "configured"
    assert merged["spec"]["replicas"] == 5
    container = merged["spec"]["template"]["spec"]["containers"][0]
    assert container["imagePullPolicy"] == "IfNotPresent"  # a default the server added
    assert merged["spec"]["strategy"] == {"type": "RollingUpdate"}
    assert merged["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    assert json.loads(merged["metadata"]["annotations"][LAST_APPLIED])["spec"]["replicas"] == 5


def test_a_field_removed_from_the_manifest_is_removed_from_the_object():
    live = live_from(with_last_applied(manifest(args=["-v"])))
    merged = apply_to(live, manifest())
    assert "args" not in merged["spec"]["template"]["spec"]["containers"][0]
    assert outcome(live, merged) == "configured"


def test_containers_merge_by_name_and_a_removed_container_goes():
    two = manifest()
    two["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox"})
    live = live_from(with_last_applied(two))
    merged = apply_to(live, manifest(image="kubelab/hello:2"))
    containers = merged["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["web"]
    assert containers[0]["image"] == "kubelab/hello:2"
    assert containers[0]["imagePullPolicy"] == "IfNotPresent"


def test_an_object_never_applied_keeps_fields_the_manifest_does_not_mention():
    live = live_from(with_last_applied(manifest(args=["-v"])))
    live["metadata"]["annotations"].pop(LAST_APPLIED)
    merged = apply_to(live, manifest())
    assert merged["spec"]["template"]["spec"]["containers"][0]["args"] == ["-v"]
    assert outcome(live, merged) == "configured"  # it gains the last-applied record


def test_status_and_server_metadata_do_not_count_as_changes():
    live = live_from(with_last_applied(manifest()))
    later = copy.deepcopy(live)
    later["status"]["readyReplicas"] = 1
    later["metadata"]["resourceVersion"] = "99"
    assert outcome(live, later) == "unchanged"


def test_an_object_opened_for_editing_has_no_server_noise():
    live = live_from(with_last_applied(manifest()))
    live["metadata"]["managedFields"] = [{"manager": "kubectl"}]
    clean = for_editing(live)
    assert "status" not in clean
    assert set(clean["metadata"]) == {"name", "namespace", "annotations"}
    assert LAST_APPLIED not in clean["metadata"]["annotations"]
