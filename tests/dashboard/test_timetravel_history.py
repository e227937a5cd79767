"""The history behind time travel: its file format, its rewind, its scoping and retention.

No browser: the pure parts are called directly, the endpoint over HTTP on the test cluster
(the browser fixture's event loop would stop in-process ORM calls in this package).
"""
from __future__ import annotations

import json
import uuid

import pytest
import requests

from cluster.auth import Principal
from cluster.kubeconfig import token_in
from dashboard import history_format
from dashboard.history import key_of, rewind
from tests.waiting import wait_for


def pod(ns: str, name: str, rv: int, phase: str = "Pending") -> dict:
    return {"kind": "Pod", "metadata": {"namespace": ns, "name": name,
                                        "resourceVersion": str(rv)},
            "status": {"phase": phase}}


def replay(snapshot: dict, events: list[dict]) -> dict:
    """The state at the end of a file, keyed like the browser keys it."""
    state = {key_of(o): o for o in snapshot["objects"]}
    for ev in events:
        key = key_of(ev["object"])
        if ev["type"] == "DELETED":
            state.pop(key, None)
        else:
            state[key] = ev["object"]
    return state


def fetch(url: str, token: str, **params) -> requests.Response:
    resp = requests.get(f"{url}/ui/history", params=params, timeout=30,
                        headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.text[:300]
    return resp


@pytest.fixture(scope="module")
def student(kubelab_server) -> tuple[str, str]:
    name = f"tt-{uuid.uuid4().hex[:5]}"
    done = kubelab_server.manage("create-student", name)
    assert done.returncode == 0, done.stderr
    return name, token_in(kubelab_server.var_dir / "students" / f"{name}.kubeconfig")


def test_it_rewinds_the_present_to_the_start_of_the_history():
    now = [pod("a", "old", 3, "Running"), pod("a", "new", 9), pod("a", "untouched", 2)]
    first = {("Pod", "a", "new"): ("ADDED", pod("a", "new", 9)),
             ("Pod", "a", "old"): ("MODIFIED", pod("a", "old", 5, "Pending")),
             ("Pod", "a", "gone"): ("DELETED", pod("a", "gone", 7))}
    base = {key_of(o): o["status"]["phase"] for o in rewind(now, first)}
    assert base == {("Pod", "a", "old"): "Pending", ("Pod", "a", "untouched"): "Pending",
                    ("Pod", "a", "gone"): "Pending"}


class FakeHistory:
    principal = Principal(name="teacher", is_admin=True)
    base_rev, base_time, upto, count = 10, 1_700_000_000_000, 12, 2
    objects = [pod("a", "web", 10)]

    def events(self):
        yield {"rev": 11, "t": self.base_time + 5, "type": "MODIFIED", "kind": "Pod",
               "object": pod("a", "web", 11, "Running")}
        yield {"rev": 12, "t": self.base_time + 9, "type": "DELETED", "kind": "Pod",
               "object": pod("a", "web", 12, "Running")}


def test_it_round_trips_a_session_file_with_and_without_gzip():
    plain = b"".join(history_format.encode(FakeHistory()))
    packed = b"".join(history_format.gzipped(history_format.encode(FakeHistory())))
    assert packed[:2] == b"\x1f\x8b" and len(plain.splitlines()) == 4
    for data in (plain, packed):
        head, snap, events = history_format.parse(data)
        assert (head["format"], head["from"], head["to"], head["events"]) == (
            "kubelab-session", 10, 12, 2)
        assert snap["rv"] == 10 and [e["rev"] for e in events] == [11, 12]
        assert replay(snap, events) == {}
    with pytest.raises(ValueError):
        history_format.parse(b'{"format": "something-else"}\n{}\n')


def test_it_exports_a_deleted_pod_in_revision_order_with_times(kubelab_server, admin_api):
    ns = admin_api.namespace("tt-exp")
    admin_api.pod(ns, "brief", {"app": "x"})
    admin_api.call("DELETE", f"/api/v1/namespaces/{ns}/pods/brief", gracePeriodSeconds=0)
    head, snap, events = history_format.parse(
        fetch(kubelab_server.url, kubelab_server.admin_token).content)
    revs = [e["rev"] for e in events]
    assert revs == sorted(revs) and len(set(revs)) == len(revs)
    assert head["events"] == len(events) and head["to"] >= revs[-1]
    assert all(isinstance(e["t"], int) for e in events)
    assert [e["t"] for e in events] == sorted(e["t"] for e in events)
    mine = [e["type"] for e in events if key_of(e["object"]) == ("Pod", ns, "brief")]
    assert mine[0] == "ADDED" and mine[-1] == "DELETED"
    state = replay(snap, events)
    assert ("Pod", ns, "brief") not in state and ("Namespace", "", ns) in state


def test_it_downloads_a_gzip_file_to_save(kubelab_server):
    resp = fetch(kubelab_server.url, kubelab_server.admin_token, download="1")
    assert resp.headers["Content-Type"] == "application/gzip"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.content[:2] == b"\x1f\x8b"
    assert history_format.parse(resp.content)[0]["by"]


def test_it_refuses_without_a_login(kubelab_server):
    assert requests.get(f"{kubelab_server.url}/ui/history", timeout=10).status_code == 401


def test_it_gives_a_student_only_its_namespace(kubelab_server, admin_api, student):
    ns, token = student
    other = admin_api.namespace("tt-other")
    admin_api.pod(other, "not-yours", {"app": "x"})
    admin_api.pod(ns, "yours", {"app": "x"})
    head, snap, events = history_format.parse(fetch(kubelab_server.url, token).content)
    assert head["namespaces"] == [ns]
    seen = snap["objects"] + [e["object"] for e in events]
    for obj in seen:
        if obj["kind"] == "Node":
            continue
        where = obj["metadata"].get("namespace") or obj["metadata"]["name"]
        assert where == ns, f"student saw {obj['kind']} {obj['metadata']['name']} in {where}"
    assert ("Pod", ns, "yours") in replay(snap, events)


RETENTION = """
from cluster.models import Revision, WatchEvent
from dashboard import history_retention
mark = history_retention.compact(1, 3600)
print(json.dumps({"mark": mark,
  "compacted": Revision.objects.get(id=1).compacted,
  "lease": WatchEvent.objects.filter(kind="Lease", revision__lte=mark).count(),
  "pod": WatchEvent.objects.filter(kind="Pod", namespace=NS, revision__lte=mark).count()}))
"""


def test_it_keeps_the_maps_kinds_after_the_watch_window(kubelab_server, admin_api):
    ns = admin_api.namespace("tt-keep")
    admin_api.pod(ns, "kept", {"app": "x"})
    admin_api.call("POST", f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases",
                   {"metadata": {"name": "dropped"}, "spec": {"holderIdentity": "x"}})

    def compacted_past_them() -> dict | None:
        code = f"import json\nNS = {ns!r}\n" + RETENTION
        done = kubelab_server.manage("shell", "-c", code)
        assert done.returncode == 0, done.stderr
        found = json.loads(done.stdout.strip().splitlines()[-1])
        return found if found["pod"] else None
    # Once the pod's event is older than the (1 s) watch window it is below the mark...
    found = wait_for(compacted_past_them, "the pod's event to pass the watch window",
                     timeout=30, every=1.0)
    assert found["compacted"] >= found["mark"]  # watches from before the mark get 410
    assert found["lease"] == 0                   # kinds the map does not draw are gone
    assert found["pod"] >= 1                     # ...and still kept for the history
