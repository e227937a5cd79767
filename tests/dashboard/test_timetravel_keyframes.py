"""Seeks through keyframes draw exactly the state that applying every event in order gives.

A file longer than a few keyframes (1,000 events each) is replayed at /replay; after seeks
backwards, forwards, across keyframes and in small steps (the in-place path), the objects
the page draws are compared with a plain replay of the same file in Python.
"""
from __future__ import annotations

import gzip
import json
import random
import re

from playwright.sync_api import expect

EVENTS = 3500


def session(path) -> list[dict]:
    """A churn of pods (created, bound, deleted, re-created under the same name)."""
    rnd = random.Random(11)
    base = [{"kind": "Node", "metadata": {"name": f"kf-{i}", "labels": {}},
             "status": {"conditions": [{"type": "Ready", "status": "True"}]}} for i in range(3)]
    alive: dict[str, dict] = {}
    events: list[dict] = []
    rev, t = 100, 1_767_000_000_000
    while len(events) < EVENTS:
        rev += 1
        t += rnd.choice([1, 10, 100])
        name = f"p{rnd.randrange(60)}"
        if name in alive and rnd.random() < 0.4:
            events.append({"rev": rev, "t": t, "type": "DELETED", "kind": "Pod",
                           "object": alive.pop(name)})
            continue
        obj = {"kind": "Pod", "metadata": {"name": name, "namespace": "kf",
                                           "resourceVersion": str(rev)},
               "spec": {"nodeName": f"kf-{rnd.randrange(3)}" if rnd.random() < 0.7 else ""},
               "status": {"phase": "Running"}}
        events.append({"rev": rev, "t": t, "type": "MODIFIED" if name in alive else "ADDED",
                       "kind": "Pod", "object": obj})
        alive[name] = obj
    with gzip.open(path, "wt") as out:
        out.write(json.dumps({"format": "kubelab-session", "version": 1, "by": "test",
                              "events": len(events)}) + "\n")
        out.write(json.dumps({"snapshot": {"rv": 100, "t": 1_766_999_999_999,
                                           "objects": base}}) + "\n")
        out.writelines(json.dumps(e) + "\n" for e in events)
    return base + [{"event": e} for e in events]


def expected_after(items: list[dict], count: int) -> dict[str, str]:
    state = {f"{o['kind']}/{o['metadata']['name']}": o.get("metadata", {}).get(
        "resourceVersion", "") for o in items if "event" not in o}
    for item in [i["event"] for i in items if "event" in i][:count]:
        key = f"Pod/{item['object']['metadata']['name']}"
        if item["type"] == "DELETED":
            state.pop(key, None)
        else:
            state[key] = item["object"]["metadata"]["resourceVersion"]
    return state


DRAWN = """(count) => {
  window.kubelab.timeline.seekCount(count);
  const out = {};
  for (const o of window.kubelab.state.objects.values()) {
    out[`${o.kind}/${o.metadata.name}`] = o.metadata.resourceVersion || "";
  }
  return out;
}"""


def test_every_seek_matches_a_plain_replay(browser, kubelab_server, tmp_path):
    path = tmp_path / "churn.jsonl.gz"
    items = session(path)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{kubelab_server.url}/replay")
        page.set_input_files("#replay-file", str(path))
        expect(page.locator("#connection")).to_have_text(re.compile(r"^replay: churn"))
        rnd = random.Random(5)
        counts = [EVENTS, 0, 999, 1000, 1001, 2999, 1500, 1501, 1510, 2600, 3400, 12]
        counts += [rnd.randrange(EVENTS + 1) for _ in range(10)]
        for count in counts:
            assert page.evaluate(DRAWN, count) == expected_after(items, count), count
        # Drawn on the map too: the chips are the pods of the last state.
        last = {k.split("/", 1)[1] for k in expected_after(items, counts[-1]) if "Pod/" in k}
        expect(page.locator('.pod[data-ns="kf"]:not(.leaving)')).to_have_count(len(last))
    finally:
        context.close()
