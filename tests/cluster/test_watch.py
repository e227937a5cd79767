"""Watch through the official client: order, resume, 410 after compaction."""
from __future__ import annotations

import threading
import uuid

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from tests.cluster.unscheduled import NO_SCHEDULER


def _ns(core) -> str:
    name = f"w-{uuid.uuid4().hex[:8]}"
    core.create_namespace({"metadata": {"name": name}})
    return name


def _pod(name: str) -> dict:
    return {"metadata": {"name": name, "labels": {"app": "w"}},
            "spec": {"schedulerName": NO_SCHEDULER,
                     "containers": [{"name": "a", "image": "busybox"}]}}


def _collect(core, namespace: str, count: int, **kwargs) -> list[tuple[str, str, int]]:
    seen: list[tuple[str, str, int]] = []
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_pod, namespace, timeout_seconds=20, **kwargs):
        obj = event["object"]
        seen.append((event["type"], obj.metadata.name, int(obj.metadata.resource_version)))
        if len(seen) >= count:
            w.stop()
    return seen


def test_watch_sees_added_modified_deleted_in_order(k8s):
    core = client.CoreV1Api(k8s)
    namespace = _ns(core)
    start = core.list_namespaced_pod(namespace).metadata.resource_version
    events: list = []
    watcher = threading.Thread(target=lambda: events.extend(
        _collect(core, namespace, 3, resource_version=start)))
    watcher.start()
    core.create_namespaced_pod(namespace, _pod("w1"))
    core.patch_namespaced_pod("w1", namespace, {"metadata": {"labels": {"v": "2"}}})
    core.delete_namespaced_pod("w1", namespace)
    watcher.join(30)
    assert [(t, n) for t, n, _ in events] == [("ADDED", "w1"), ("MODIFIED", "w1"),
                                            ("DELETED", "w1")]
    revisions = [rv for _, _, rv in events]
    assert revisions == sorted(revisions) and len(set(revisions)) == 3


def test_watch_resumes_from_a_resource_version(k8s):
    core = client.CoreV1Api(k8s)
    namespace = _ns(core)
    first = core.create_namespaced_pod(namespace, _pod("r1"))
    core.create_namespaced_pod(namespace, _pod("r2"))
    core.create_namespaced_pod(namespace, _pod("r3"))
    events = _collect(core, namespace, 2, resource_version=first.metadata.resource_version)
    assert [(t, n) for t, n, _ in events] == [("ADDED", "r2"), ("ADDED", "r3")]


def test_watch_without_version_starts_with_current_objects(k8s):
    core = client.CoreV1Api(k8s)
    namespace = _ns(core)
    core.create_namespaced_pod(namespace, _pod("c1"))
    events = _collect(core, namespace, 1)
    assert events[0][:2] == ("ADDED", "c1")


def test_watch_from_a_compacted_version_gets_410(k8s, kubelab_server):
    core = client.CoreV1Api(k8s)
    namespace = _ns(core)
    old = core.create_namespaced_pod(namespace, _pod("old")).metadata.resource_version
    core.create_namespaced_pod(namespace, _pod("newer"))
    done = kubelab_server.manage("compact", "--keep-seconds", "0")
    assert done.returncode == 0, done.stderr
    resp = core.list_namespaced_pod(namespace, watch=True, resource_version=old,
                                    timeout_seconds=5, _preload_content=False)
    first_line = resp.readline().decode()
    resp.close()  # not release_conn(): the rest of the stream must not reach the next request
    assert '"ERROR"' in first_line and '"code":410' in first_line


def test_watch_with_label_selector_sees_only_matching(k8s):
    core = client.CoreV1Api(k8s)
    namespace = _ns(core)
    start = core.list_namespaced_pod(namespace).metadata.resource_version
    events: list = []
    watcher = threading.Thread(target=lambda: events.extend(
        _collect(core, namespace, 1, resource_version=start, label_selector="pick=yes")))
    watcher.start()
    core.create_namespaced_pod(namespace, _pod("skip"))
    picked = _pod("pick")
    picked["metadata"]["labels"]["pick"] = "yes"
    core.create_namespaced_pod(namespace, picked)
    watcher.join(30)
    assert [(t, n) for t, n, _ in events] == [("ADDED", "pick")]


def test_anonymous_requests_get_401(kubelab_server):
    import urllib.error
    import urllib.request

    for path in ("/api/v1/pods", "/api/v1/namespaces/default/pods?watch=1", "/apis"):
        try:
            urllib.request.urlopen(kubelab_server.url + path, timeout=10)
            raise AssertionError(f"{path} answered without a token")
        except urllib.error.HTTPError as err:
            assert err.code == 401, path
    with urllib.request.urlopen(kubelab_server.url + "/version", timeout=10) as ok:
        assert ok.status == 200


def test_namespace_token_is_confined_to_its_namespace(k8s, kubelab_server):
    from kubernetes import config

    core = client.CoreV1Api(k8s)
    other = _ns(core)
    student = f"s-{uuid.uuid4().hex[:6]}"
    path = kubelab_server.var_dir / f"{student}.kubeconfig"
    made = kubelab_server.manage("create-student", student, "--server", kubelab_server.url,
                                 "--kubeconfig", str(path))
    assert made.returncode == 0, made.stderr
    mine = client.CoreV1Api(config.new_client_from_config(config_file=str(path)))
    mine.create_namespaced_pod(student, _pod("ok"))
    assert [p.metadata.name for p in mine.list_namespaced_pod(student).items] == ["ok"]
    mine.list_node()
    attempts = {
        "get": lambda: mine.read_namespaced_pod("x", other),
        "list": lambda: mine.list_namespaced_pod(other),
        "list all": lambda: mine.list_pod_for_all_namespaces(),
        "watch": lambda: mine.list_namespaced_pod(other, watch=True, timeout_seconds=1,
                                                  _preload_content=False),
        "create node": lambda: mine.create_node({"metadata": {"name": "nope"}}),
    }
    for what, attempt in attempts.items():
        try:
            attempt()
            raise AssertionError(f"{what} in another namespace was allowed")
        except ApiException as err:
            assert err.status == 403, what


def test_watch_revisions_only_go_up_under_concurrent_writers(k8s):
    core = client.CoreV1Api(k8s)
    namespace = _ns(core)
    start = core.list_namespaced_pod(namespace).metadata.resource_version
    writers, each = 4, 25
    events: list = []
    watcher = threading.Thread(target=lambda: events.extend(
        _collect(core, namespace, writers * each, resource_version=start)))
    watcher.start()

    def write(w: int) -> None:
        for i in range(each):
            core.create_namespaced_pod(namespace, _pod(f"c{w}-{i}"))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    watcher.join(60)
    revisions = [rv for _, _, rv in events]
    assert len(revisions) == writers * each
    assert all(a < b for a, b in zip(revisions, revisions[1:], strict=False))
