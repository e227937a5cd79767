"""The shared fan-out behind the dashboard sockets (dashboard/fanout.py, feed.py, audience.py).

One subscription and one parse per process; each socket still gets exactly what its user
may see, gapless and in revision order, from its own resume point, and a socket that
falls behind is told to resync without holding up the others. The Redis channel is a
fake here and the watch-event table a list, so each case is exact and fast; the real
sockets are covered by test_websocket_scoping.py and test_class_of_thirty.py.
"""
from __future__ import annotations

import asyncio
import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from cluster import eventstream
from cluster.auth import Principal
from dashboard import fanout
from dashboard.audience import Audience
from dashboard.feed import Behind, Compacted, Follower
from dashboard.visibility import KINDS, can_see

TEACHER = Principal("teacher", True)
ALICE = Principal("alice", False, ("alice",))
BOB = Principal("bob", False, ("bob",))
DEADLINE = 5.0


class Cluster:
    """The store's side: a table of events (with a compaction mark) and a channel."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.compacted = 0
        self.table_reads = 0
        self.channel: asyncio.Queue = asyncio.Queue()
        self.subscriptions = 0
        self.closed = 0

    def commit(self, kind: str, namespace: str, name: str, publish: bool = True) -> int:
        rev = len(self.rows) + 1
        obj = {"kind": kind, "metadata": {"name": name, "resourceVersion": str(rev),
                                          "managedFields": [{"manager": "x"}],
                                          **({"namespace": namespace} if namespace else {})}}
        body = json.dumps(obj)
        self.rows.append((rev, "ADDED", kind, namespace, name, body, datetime.now(UTC)))
        if publish:
            self.publish(rev)
        return rev

    def publish(self, rev: int) -> None:
        _, event_type, kind, namespace, name, body, _ = self.rows[rev - 1]
        self.channel.put_nowait({"data": json.dumps(
            {"rev": rev, "type": event_type, "kind": kind, "ns": namespace, "name": name,
             "object": json.loads(body), "ts": 1})})

    # --- what cluster/eventstream.py and dashboard/fanout.py read ---
    def revision_state(self) -> tuple[int, int]:
        return len(self.rows), self.compacted

    def rows_between(self, kinds, after, upto):
        self.table_reads += 1
        return [r for r in self.rows if after < r[0] <= upto and r[2] in kinds]

    async def subscribe(self):
        self.subscriptions += 1
        cluster = self

        class PubSub:
            async def get_message(self, ignore_subscribe_messages=True, timeout=1.0):
                try:
                    if not timeout:
                        return cluster.channel.get_nowait()
                    return await asyncio.wait_for(cluster.channel.get(), timeout)
                except (asyncio.QueueEmpty, TimeoutError):
                    return None

        async def close() -> None:
            cluster.closed += 1
        return PubSub(), close


@pytest.fixture
def run(monkeypatch):
    """Runs `scenario(cluster)` on a fresh event loop with the table patched in."""
    def runner(scenario):
        async def main():
            cluster = Cluster()
            monkeypatch.setattr(eventstream, "revision_state", cluster.revision_state)
            monkeypatch.setattr(fanout, "revision_state", cluster.revision_state)
            monkeypatch.setattr(eventstream, "_rows_between", cluster.rows_between)
            return await asyncio.wait_for(scenario(cluster), DEADLINE)
        # On a thread of its own: the browser tests leave Playwright's event loop running
        # on the test thread, and asyncio.run refuses to start beside it.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, main()).result(timeout=DEADLINE * 2)
    return runner


async def join(cluster: Cluster, principal: Principal, limit: int = 1000) -> Follower:
    return await fanout.join(principal, limit, subscribe=cluster.subscribe)


class Reader:
    """A socket's side: reads `follower.batches(since)` in a task of its own."""

    def __init__(self, follower: Follower, since: int) -> None:
        self.events: list[dict] = []
        self.texts: list[str] = []
        self.error: BaseException | None = None
        self.follower = follower
        self.task = asyncio.create_task(self._read(follower, since))

    async def _read(self, follower: Follower, since: int) -> None:
        try:
            async for batch in follower.batches(since):
                self.texts.extend(batch)
                self.events.extend(json.loads(text) for text in batch)
        except Exception as exc:  # noqa: BLE001  (the test looks at it)
            self.error = exc

    async def until(self, done) -> None:
        end = asyncio.get_running_loop().time() + DEADLINE
        while not (done(self) or self.error):
            assert asyncio.get_running_loop().time() < end, f"got only {names(self.events)}"
            await asyncio.sleep(0.005)

    async def through(self, rev: int) -> list[dict]:
        await self.until(lambda r: r.events and r.events[-1]["rev"] >= rev)
        return self.events


async def settled(cluster: Cluster) -> None:
    """Until the reader has taken every published message off the channel."""
    end = asyncio.get_running_loop().time() + DEADLINE
    while not cluster.channel.empty():
        assert asyncio.get_running_loop().time() < end
        await asyncio.sleep(0.005)


async def warmed_up(cluster: Cluster, readers: list[Reader]) -> None:
    """One event every reader sees, so each has finished its catch-up from the table
    and reads only its queue from here on."""
    rev = cluster.commit("Node", "", "warm-up")
    for r in readers:
        await r.through(rev)


def names(events: list[dict]) -> list[str]:
    return [e["object"]["metadata"]["name"] for e in events]


def test_each_socket_gets_only_what_its_user_may_see_in_order(run):
    async def scenario(cluster: Cluster):
        followers = [await join(cluster, p) for p in (TEACHER, ALICE, BOB)]
        readers = [Reader(f, 0) for f in followers]
        for kind, ns, name in [("Namespace", "", "alice"), ("Namespace", "", "bob"),
                               ("Pod", "alice", "a1"), ("Pod", "bob", "b1"),
                               ("Node", "", "node-1"), ("Event", "bob", "b-ev"),
                               ("Lease", "alice", "not-drawn"), ("Pod", "alice", "a2")]:
            cluster.commit(kind, ns, name)
        seen = [await r.through(want) for r, want in zip(readers, (8, 8, 6), strict=True)]
        await settled(cluster)
        for f in followers:
            fanout.leave(f)
        return seen

    teacher, alice, bob = run(scenario)
    assert names(alice) == ["alice", "a1", "node-1", "a2"]
    assert names(bob) == ["bob", "b1", "node-1", "b-ev"]
    assert names(teacher) == ["alice", "bob", "a1", "b1", "node-1", "b-ev", "a2"]
    for events in (teacher, alice, bob):
        revs = [e["rev"] for e in events]
        assert revs == sorted(revs)
        assert all("managedFields" not in e["object"]["metadata"] for e in events)  # slimmed


def test_one_subscription_one_serialisation_and_it_stops_with_the_last_socket(run):
    async def scenario(cluster: Cluster):
        followers = [await join(cluster, p) for p in (TEACHER, ALICE, ALICE, BOB)]
        readers = [Reader(f, 0) for f in followers]
        await warmed_up(cluster, readers)
        cluster.commit("Node", "", "node-1")
        for r in readers:
            await r.through(2)
        subscriptions = cluster.subscriptions
        for f in followers:
            fanout.leave(f)
        end = asyncio.get_running_loop().time() + DEADLINE
        while not cluster.closed and asyncio.get_running_loop().time() < end:
            await asyncio.sleep(0.005)  # the reader closes its subscription as it stops
        return subscriptions, [r.texts for r in readers], cluster.closed

    subscriptions, texts, closed = run(scenario)
    assert subscriptions == 1
    assert all(len(t) == 2 and t[1] is texts[0][1] for t in texts)  # one text for all
    assert closed == 1


def test_a_gap_is_filled_from_the_table_once_for_every_socket(run):
    async def scenario(cluster: Cluster):
        followers = [await join(cluster, p) for p in (TEACHER, ALICE, ALICE, ALICE)]
        readers = [Reader(f, 0) for f in followers]
        await warmed_up(cluster, readers)
        reads = cluster.table_reads
        cluster.commit("Pod", "alice", "p1")
        cluster.commit("Pod", "alice", "lost", publish=False)  # its publisher died
        cluster.commit("Pod", "alice", "p3")
        seen = [await r.through(4) for r in readers]
        fills = cluster.table_reads - reads
        for f in followers:
            fanout.leave(f)
        return seen, fills

    seen, fills = run(scenario)
    assert all(names(s) == ["warm-up", "p1", "lost", "p3"] for s in seen)
    assert fills == 1


def test_a_socket_resumes_from_its_own_revision_without_gaps_or_repeats(run):
    async def scenario(cluster: Cluster):
        for i in range(5):  # committed while the socket was away
            cluster.commit("Pod", "alice", f"old-{i}", publish=False)
        teacher = await join(cluster, TEACHER)  # the shared reader starts at revision 5
        alice = await join(cluster, ALICE)
        reader = Reader(alice, 2)
        await reader.through(5)  # the catch-up from the table
        cluster.commit("Pod", "alice", "new")
        cluster.commit("Pod", "bob", "not-hers")
        cluster.commit("Pod", "alice", "newer")
        got = await reader.through(8)
        for f in (teacher, alice):
            fanout.leave(f)
        return got

    assert names(run(scenario)) == ["old-2", "old-3", "old-4", "new", "newer"]


def test_a_resume_point_older_than_the_history_asks_for_a_snapshot(run):
    async def scenario(cluster: Cluster):
        for i in range(4):
            cluster.commit("Pod", "alice", f"p{i}", publish=False)
        cluster.compacted = 3
        alice = await join(cluster, ALICE)
        reader = Reader(alice, 1)
        await reader.until(lambda r: r.error is not None)
        fanout.leave(alice)
        return reader.error

    assert isinstance(run(scenario), Compacted)


def test_a_slow_socket_resyncs_and_holds_up_nobody(run):
    async def scenario(cluster: Cluster):
        slow = await join(cluster, ALICE, limit=3)  # nobody reads it for now
        fast = Reader(await join(cluster, ALICE), 0)
        for i in range(6):
            cluster.commit("Pod", "alice", f"p{i}")
        fast_got = list(await fast.through(6))
        behind = Reader(slow, 0)
        await behind.until(lambda r: r.error is not None)
        slow.rewind()  # as the socket does before its new snapshot (taken at revision 6)
        again = Reader(slow, 6)
        cluster.commit("Pod", "alice", "after")
        slow_got = await again.through(7)
        await fast.through(7)
        for f in (slow, fast.follower):
            fanout.leave(f)
        return fast_got, behind.error, slow_got

    fast_got, error, slow_got = run(scenario)
    assert names(fast_got) == [f"p{i}" for i in range(6)]
    assert isinstance(error, Behind)
    assert names(slow_got) == ["after"]


def test_the_index_sends_exactly_what_can_see_allows():
    principals = [TEACHER, ALICE, BOB, Principal("both", False, ("alice", "bob")),
                  Principal("nobody", False, ())]

    class Viewer:
        def __init__(self, principal: Principal) -> None:
            self.principal = principal

    audience = Audience()
    viewers = [Viewer(p) for p in principals]
    for v in viewers:
        audience.add(v)
    audience.discard(viewers[2])  # bob left
    present = [v for v in viewers if v is not viewers[2]]
    for kind, ns, name in itertools.product((*KINDS, "Lease"), ("", "alice", "bob", "carol"),
                                            ("alice", "bob", "x")):
        expected = {id(v) for v in present if can_see(v.principal, kind, ns, name)}
        assert {id(v) for v in audience.of(kind, ns, name)} == expected, (kind, ns, name)


def test_a_socket_that_closes_while_the_reader_starts_leaves_no_reader(run):
    async def scenario(cluster: Cluster):
        loop, gate = asyncio.get_running_loop(), asyncio.Event()

        async def slow_subscribe():
            await gate.wait()
            return await cluster.subscribe()
        joining = asyncio.create_task(fanout.join(ALICE, subscribe=slow_subscribe))
        end = loop.time() + DEADLINE
        while loop not in fanout._hubs:
            assert loop.time() < end
            await asyncio.sleep(0.005)
        joining.cancel()
        with pytest.raises(asyncio.CancelledError):
            await joining
        gate.set()
        await asyncio.sleep(0.05)  # time for a start that was not stopped to subscribe
        return loop in fanout._hubs, cluster.subscriptions

    assert run(scenario) == (False, 0)
