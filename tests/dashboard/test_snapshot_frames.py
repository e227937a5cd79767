"""A snapshot or batch of events over the socket's message limit goes out in several frames
that put back together to the same objects; small ones stay one message as before."""
from __future__ import annotations

import json

from dashboard.frames import event_frames, groups, snapshot_frames


def objects(count: int, size: int) -> list[str]:
    return [json.dumps({"kind": "Pod", "metadata": {"name": f"p-{i}"}, "pad": "x" * size})
            for i in range(count)]


def test_it_keeps_a_small_snapshot_in_one_message():
    frames = list(snapshot_frames(7, "connect", objects(3, 10)))
    assert len(frames) == 1
    message = json.loads(frames[0])
    assert message["type"] == "snapshot" and message["rv"] == 7 and "parts" not in message
    assert [o["metadata"]["name"] for o in message["objects"]] == ["p-0", "p-1", "p-2"]


def test_it_cuts_a_large_snapshot_into_parts_under_the_limit():
    texts = objects(50, 1000)
    frames = list(snapshot_frames(9, "gone", texts, limit=8000))
    assert all(len(f.encode()) <= 8000 + 200 for f in frames)  # the limit plus the envelope
    first, rest = json.loads(frames[0]), [json.loads(f) for f in frames[1:]]
    assert first["parts"] == len(frames) > 1 and first["reason"] == "gone"
    assert all(m["type"] == "snapshot.part" for m in rest)
    names = [o["metadata"]["name"] for m in [first, *rest] for o in m["objects"]]
    assert names == [f"p-{i}" for i in range(50)]


def test_it_counts_bytes_not_characters():
    wide = [json.dumps({"name": "é" * 600}, ensure_ascii=False) for _ in range(4)]
    assert [len(g) for g in groups(wide, limit=2500)] == [2, 2]  # 1,213 bytes each


def test_it_gives_an_object_over_the_limit_a_frame_of_its_own():
    assert [len(g) for g in groups(["a" * 50, "b" * 500, "c" * 50], limit=100)] == [1, 1, 1]


def test_it_splits_a_batch_of_events_in_order():
    events = [{"rev": i, "type": "MODIFIED", "object": {"pad": "y" * 300}} for i in range(40)]
    frames = [json.loads(f) for f in event_frames(events, limit=3000)]
    assert len(frames) > 1 and all(f["type"] == "events" for f in frames)
    assert [e["rev"] for f in frames for e in f["events"]] == list(range(40))
