"""Where a Chromium page spends its time, for bench/ui.py's --profile: the V8 sampling
profiler over CDP (functions by self time) and a timeline trace (what each task longer
than 50 ms did: style, layout, paint, script...). Both are written out for DevTools.
"""
from __future__ import annotations

import json
from pathlib import Path


class Profiler:
    """Chromium's sampling profiler over CDP and a timeline trace; writes NAME.cpuprofile
    and NAME.trace.json (open them in DevTools) and returns the functions with the most
    self time and what each task over 50 ms spent its time on."""

    def __init__(self, page, out: Path | None) -> None:
        self.out, self.page = out, page
        if out is not None:
            self.cdp = page.context.new_cdp_session(page)
            self.cdp.send("Profiler.enable")
            self.cdp.send("Profiler.setSamplingInterval", {"interval": 500})

    def start(self) -> None:
        if self.out is not None:
            self.page.context.browser.start_tracing(page=self.page, categories=TRACE_CATEGORIES)
            self.cdp.send("Profiler.start")

    def stop(self, name: str) -> list[str]:
        if self.out is None:
            return []
        profile = self.cdp.send("Profiler.stop")["profile"]
        trace = self.page.context.browser.stop_tracing()
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / f"{name}.cpuprofile").write_text(json.dumps(profile))
        (self.out / f"{name}.trace.json").write_bytes(trace)
        return top_functions(profile) + ["long tasks:"] + long_tasks(json.loads(trace))


TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "blink"]


def long_tasks(trace: dict, over_ms: float = 50.0) -> list[str]:
    """Each main-thread task longer than `over_ms`: its length and its biggest parts."""
    events = [e for e in trace.get("traceEvents", []) if e.get("ph") == "X" and "dur" in e]
    threads = {(e["pid"], e["tid"]) for e in trace.get("traceEvents", [])
               if e.get("name") == "thread_name"
               and e.get("args", {}).get("name") == "CrRendererMain"}
    out = []
    for task in events:
        if task["name"] != "RunTask" or (task["pid"], task["tid"]) not in threads:
            continue
        if task["dur"] / 1000 < over_ms:
            continue
        end = task["ts"] + task["dur"]
        parts: dict[str, float] = {}
        for e in events:
            if (e["pid"], e["tid"]) == (task["pid"], task["tid"]) and e is not task \
                    and task["ts"] <= e["ts"] < end and e["name"] != "RunTask":
                parts[e["name"]] = parts.get(e["name"], 0.0) + e["dur"] / 1000
        top = sorted(parts.items(), key=lambda kv: -kv[1])[:6]
        out.append(f"{task['dur'] / 1000:8.1f} ms  " + ", ".join(f"{k} {v:.0f}" for k, v in top))
    return out


def top_functions(profile: dict, count: int = 12) -> list[str]:
    nodes = {n["id"]: n for n in profile["nodes"]}
    deltas = profile.get("timeDeltas") or []
    self_ms: dict[str, float] = {}
    for sample, delta in zip(profile.get("samples") or [], deltas, strict=False):
        f = nodes[sample]["callFrame"]
        where = f"{f['functionName'] or '(anonymous)'} {Path(f['url']).name}:{f['lineNumber'] + 1}"
        self_ms[where] = self_ms.get(where, 0.0) + delta / 1000
    ranked = sorted(self_ms.items(), key=lambda kv: -kv[1])[:count]
    return [f"{ms:8.1f} ms  {where}" for where, ms in ranked]
