"""Many dashboard sockets on one server share one reader of the event channel; each still
gets exactly its user's share of the revision sequence, in order and without gaps.

The teacher's socket sees every change the map draws; a student's must be precisely the
teacher's sequence cut down to what that student may see (their namespace, its
Namespace object, the nodes): nothing more, nothing missing, in the same order.
"""
from __future__ import annotations

import uuid

import pytest

from cluster.kubeconfig import token_in
from tests.dashboard.wsclient import login_cookie, open_socket, receive_until

PODS = 3


def make_student(kubelab_server) -> tuple[str, str]:
    name = f"fan-{uuid.uuid4().hex[:5]}"
    done = kubelab_server.manage("create-student", name)
    assert done.returncode == 0, done.stderr
    return name, token_in(kubelab_server.var_dir / "students" / f"{name}.kubeconfig")


def events_of(messages: list[dict]) -> list[tuple[int, str, str, str]]:
    """(rev, kind, namespace, name) of every delta, in the order they came."""
    return [(e["rev"], e["kind"], e["object"]["metadata"].get("namespace", ""),
             e["object"]["metadata"]["name"])
            for m in messages if m["type"] == "events" for e in m["events"]]


def seen_by(student: str, kind: str, namespace: str, name: str) -> bool:
    return kind == "Node" or (name == student if kind == "Namespace" else namespace == student)


@pytest.mark.timeout(180)
def test_each_socket_gets_its_users_share_of_one_ordered_sequence(kubelab_server, admin_api):
    students = [make_student(kubelab_server) for _ in range(2)]
    other = admin_api.namespace("fan-other")
    tokens = [kubelab_server.admin_token] + [token for _, token in students]
    sockets = [open_socket(kubelab_server.url, login_cookie(kubelab_server.url, t))
               for t in tokens]
    try:
        firsts = [receive_until(ws, lambda ms: bool(ms))[0] for ws in sockets]
        assert all(m["type"] == "snapshot" for m in firsts)
        for i in range(PODS):
            for ns in [name for name, _ in students] + [other]:
                admin_api.pod(ns, f"p{i}", {"app": "fan"})

        def has_pods(ns: str):
            return lambda ms: sum(1 for _, kind, where, _ in events_of(ms)
                                  if kind == "Pod" and where == ns) >= PODS
        teacher = events_of(receive_until(sockets[0], lambda ms: all(
            has_pods(ns)(ms) for ns in [name for name, _ in students] + [other]), 30))
        mine = [events_of(receive_until(ws, has_pods(name), 30))
                for ws, (name, _) in zip(sockets[1:], students, strict=True)]
    finally:
        for ws in sockets:
            ws.close()
    assert [r for r, *_ in teacher] == sorted({r for r, *_ in teacher})  # ordered, no repeats
    for (name, _), first, got in zip(students, firsts[1:], mine, strict=True):
        assert all(seen_by(name, *e[1:]) for e in got), f"{name} saw {got}"
        # Compared over the revisions both sockets have been through: every socket is
        # gapless, so the student's share there is exactly the teacher's, filtered.
        low = max(first["rv"], firsts[0]["rv"])
        high = min(got[-1][0], teacher[-1][0])
        expected = [e for e in teacher if low < e[0] <= high and seen_by(name, *e[1:])]
        assert [e for e in got if low < e[0] <= high] == expected
        assert sum(1 for e in expected if e[1] == "Pod") >= PODS
