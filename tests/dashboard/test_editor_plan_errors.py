"""Before the store is asked: each document's kind, apiVersion, name, namespace and unknown
fields are checked, and every mistake is a message at its line (no browser, no cluster)."""
from __future__ import annotations

from cluster.auth import Principal
from dashboard.editor_plan import plan

ADMIN = Principal("admin", True)
STUDENT = Principal("alice", False, ("alice",))


def errors(text: str, borg: bool = False, who: Principal = ADMIN) -> list[tuple[int, str]]:
    return [(e["line"], e["message"]) for e in plan(who, text, "", borg).errors]


def test_a_kind_kubelab_does_not_serve_is_named_with_the_ones_it_does():
    [(line, message)] = errors("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: a}\n")
    assert line == 2 and 'does not serve the kind "CronJob"' in message and "Pod" in message


def test_a_wrong_api_version_says_the_right_one():
    assert errors("apiVersion: v1\nkind: Deployment\nmetadata: {name: a}\n") == [
        (1, "Deployment is served as apiVersion: apps/v1")]


def test_a_missing_name_and_a_document_that_is_not_a_map():
    assert errors("apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {}\n")[0] == (
        3, "metadata.name is required: every object needs a name")
    assert errors("- a\n- b\n")[0][1].startswith("each document must be a map")


def test_unknown_fields_are_found_in_every_document():
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: []\n"
            "  colour: red\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
            "spce: {}\n")
    assert errors(text) == [(6, 'unknown field "spec.colour"'), (11, 'unknown field "spce"')]


def test_namespaces_default_to_the_editors_and_a_students_own():
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n"
    assert plan(STUDENT, text, "", False).targets[0].namespace == "alice"
    assert plan(ADMIN, text, "", False).targets[0].namespace == "default"
    assert plan(ADMIN, text, "lab", False).targets[0].namespace == "lab"
    cluster_scoped = "apiVersion: v1\nkind: Namespace\nmetadata: {name: n, namespace: x}\n"
    assert plan(ADMIN, cluster_scoped, "lab", False).targets[0].namespace == ""


def test_a_borg_job_is_translated_only_in_borg_words():
    job = "job:\n  name: web\n  binary: kubelab/hello:1\n  replicas: 2\n"
    assert "switch the words to Borg" in errors(job)[0][1]
    result = plan(ADMIN, job, "lab", True)
    assert result.errors == []
    assert result.targets[0].kind == "Deployment" and result.targets[0].job is not None
    assert "replicas: 2" in result.translations[0]["yaml"]
    assert errors("job:\n  name: web\n  replicas: many\n", borg=True) == [
        (3, "the task count must be a whole number from 0 to 500"),
        (1, "binary is required: the image to run, e.g. kubelab/hello:1")]
