"""The editor's YAML path → line mapper and multi-document parsing (no browser)."""
from __future__ import annotations

from dashboard.editor_yaml import locate, parse_documents, split_path

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: app
        image: kubelab/hello:1
        resources:
          limits:
            cpu: 100m
      - name: side
        bogus: 1
"""


def test_it_splits_dotted_paths_with_indexes_and_map_keys():
    assert split_path("spec.containers[0].resources.limits[cpu]") == [
        "spec", "containers", 0, "resources", "limits", "cpu"]
    assert split_path("metadata.labels[app.kubernetes.io/name]") == [
        "metadata", "labels", "app.kubernetes.io/name"]
    assert split_path("") == []


def test_it_finds_the_line_of_a_nested_field():
    node = parse_documents(DEPLOYMENT).docs[0].node
    assert locate(node, "spec.replicas") == (8, 3, True)
    assert locate(node, "spec.template.spec.containers[0].image")[:2] == (13, 9)
    assert locate(node, "spec.template.spec.containers[0].resources.limits[cpu]")[0] == 16
    assert locate(node, "metadata.labels[app.kubernetes.io/name]")[0] == 6
    assert locate(node, "spec.template.spec.containers[1].bogus")[0] == 18


def test_a_missing_field_is_placed_at_its_deepest_written_parent():
    node = parse_documents(DEPLOYMENT).docs[0].node
    # containers[1] has no image: the error belongs on the container's own line.
    assert locate(node, "spec.template.spec.containers[1].image") == (17, 9, False)
    assert locate(node, "spec.selector")[:2] == (7, 1)
    assert locate(node, "") == (1, 1, True)


def test_it_parses_several_documents_and_numbers_lines_in_the_whole_text():
    text = "# a comment\n---\nkind: Pod\n---\n---\nkind: Service\nmetadata:\n  name: s\n"
    docs = parse_documents(text).docs
    assert [d.obj["kind"] for d in docs] == ["Pod", "Service"]
    assert [d.line for d in docs] == [3, 6]
    assert locate(docs[1].node, "metadata.name")[0] == 8


def test_a_syntax_error_has_its_line_and_column_and_keeps_earlier_documents():
    text = "kind: Pod\n---\nkind: Service\nspec:\n  ports: [80\n"
    parsed = parse_documents(text)
    assert [d.obj["kind"] for d in parsed.docs] == ["Pod"]
    assert parsed.error is not None
    assert parsed.error.line == 6 and parsed.error.message.startswith("YAML syntax error")
    bad_indent = parse_documents("metadata:\n  name: a\n name: b\n")
    assert bad_indent.error is not None and bad_indent.error.line == 3


def test_timestamps_stay_text_and_keys_become_strings():
    doc = parse_documents("a: 2024-01-01T00:00:00Z\n2: one\ntrue: yes\n").docs[0].obj
    assert doc == {"a": "2024-01-01T00:00:00Z", "2": "one", "true": True}


def test_an_alias_bomb_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, "
              f"*a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 8)]
    parsed = parse_documents("\n".join(lines) + "\n")
    assert parsed.docs == [] and "too many" in parsed.error.message
