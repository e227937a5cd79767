"""The scheduling overlay's data: for one pod, the scheduler's verdict on every node,
"why pending?" grouped by reason, and where each scheduling profile would put it.

Verdicts come from the decision the scheduler stored on the pod (scheduler/explain.py);
nothing is re-computed for them, so the map shows what the scheduler actually thought.
The profile comparison is a dry run (scheduler/dryrun.py) against a fresh snapshot.
Sentences are composed in the browser, which knows the vocabulary (pod or alloc, ...);
here reasons are only classified into topics.
"""
from __future__ import annotations

import json

from cluster import auth, store
from cluster.resources import by_kind
from scheduler.explain import ANNOTATION
from scheduler.framework import cpu_millis, quantity

# The Kubernetes default and the three Borg scoring policies (scheduler/profiles.py).
PROFILES: tuple[tuple[str, str], ...] = (
    ("default-scheduler", "Kubernetes default"),
    ("borg-worst-fit", "worst fit (spread)"),
    ("borg-best-fit", "best fit (pack)"),
    ("borg-hybrid", "Borg hybrid"),
)

# Reason text (as the filter plugins word it) → a topic the browser words plainly.
_TOPICS: tuple[tuple[str, str], ...] = (
    ("Insufficient cpu", "cpu"),
    ("Insufficient memory", "memory"),
    ("Too many pods", "pods"),
    ("were unschedulable", "cordoned"),
    ("node affinity/selector", "selector"),
    ("requested node name", "nodename"),
    ("untolerated taint", "taint"),
    ("existing pods anti-affinity", "existing-anti-affinity"),
    ("pod anti-affinity", "anti-affinity"),
    ("pod affinity", "affinity"),
    ("missing required label", "spread-label"),
    ("topology spread", "spread"),
)


def topic(reason: str) -> str:
    return next((t for text, t in _TOPICS if text in reason), "other")


def stored_decision(pod: dict) -> dict | None:
    raw = ((pod.get("metadata") or {}).get("annotations") or {}).get(ANNOTATION)
    if not raw:
        return None
    try:
        found = json.loads(raw)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def node_verdicts(decision: dict, node_names: list[str]) -> list[dict]:
    """One verdict per node: winner, feasible (score broken down by plugin), rejected
    (plugin and reasons), or unlisted (a large cluster's decision keeps only the top)."""
    filters = decision.get("filters") or {}
    scores = {s["node"]: s for s in decision.get("scores") or []}
    plugins = decision.get("plugins") or []
    out = []
    for name in sorted(set(node_names) | set(filters)):
        f = filters.get(name)
        row: dict = {"node": name, "onMap": name in node_names}
        if f is not None and not f.get("passed"):
            row.update(verdict="rejected", plugin=f.get("plugin", ""),
                       reasons=list(f.get("reasons") or []))
        elif name in scores or (f is not None and f.get("passed")):
            score = scores.get(name) or {}
            row.update(verdict="winner" if name == decision.get("node") else "feasible",
                       total=score.get("total"),
                       plugins=dict(zip(plugins, score.get("weighted") or [],
                                            strict=False)))
        else:
            row["verdict"] = "unlisted"
        out.append(row)
    return out


def pod_requests(pod: dict) -> dict[str, int]:
    """cpu (millicores) and memory (bytes) the pod asks for, as the scheduler counts them:
    the sum over containers, or the largest init container if that is more."""
    spec = pod.get("spec") or {}

    def total(containers: list[dict], fold) -> dict[str, int]:
        cpu = mem = 0
        for c in containers:
            req = (c.get("resources") or {}).get("requests") or {}
            cpu = fold(cpu, cpu_millis(req["cpu"]) if "cpu" in req else 0)
            mem = fold(mem, quantity(req["memory"]) if "memory" in req else 0)
        return {"cpu": cpu, "memory": mem}
    main = total(spec.get("containers") or [], lambda a, b: a + b)
    init = total(spec.get("initContainers") or [], max)
    return {k: max(main[k], init[k]) for k in main}


def _largest(nodes: list[dict]) -> dict[str, int]:
    """The largest allocatable cpu and memory of any node (what "fits nowhere" means)."""
    cpu = mem = 0
    for node in nodes:
        alloc = (node.get("status") or {}).get("allocatable") or {}
        cpu = max(cpu, cpu_millis(alloc["cpu"]) if "cpu" in alloc else 0)
        mem = max(mem, quantity(alloc["memory"]) if "memory" in alloc else 0)
    return {"cpu": cpu, "memory": mem}


def why_pending(pod: dict, decision: dict | None, nodes: list[dict]) -> dict | None:
    """The nodes grouped by the reason they were rejected, for a pod still unplaced."""
    if (pod.get("spec") or {}).get("nodeName"):
        return None
    if decision is None:
        return {"waiting": True, "groups": []}
    listed: dict[str, list[str]] = {}
    for name, f in sorted((decision.get("filters") or {}).items()):
        for reason in f.get("reasons") or []:
            listed.setdefault(reason, []).append(name)
    counts = dict(decision.get("rejections") or {})
    for reason, names in listed.items():
        counts.setdefault(reason, len(names))
    groups = [{"reason": reason, "topic": topic(reason), "count": count,
               "nodes": listed.get(reason, [])}
              for reason, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"waiting": False, "groups": groups, "message": decision.get("message", ""),
            "total": (decision.get("nodes") or {}).get("total", len(nodes)),
            "request": pod_requests(pod), "largest": _largest(nodes),
            "preemption": decision.get("preemption")}


def _nodes() -> list[dict]:
    return [json.loads(b) for b in store.list_objects("Node").items]


def scheduling(principal: auth.Principal, namespace: str, name: str) -> dict:
    """Everything the overlay and the "why pending?" section show for one pod."""
    auth.authorize(principal, "get", by_kind("Pod"), namespace, name)
    pod = store.get("Pod", namespace, name)
    nodes = _nodes()
    decision = stored_decision(pod)
    names = [n["metadata"]["name"] for n in nodes]
    return {
        "namespace": namespace, "name": name,
        "nodeName": (pod.get("spec") or {}).get("nodeName") or None,
        "decided": decision is not None,
        "profile": (decision or {}).get("profile"),
        "winner": (decision or {}).get("node"),
        "examined": (decision or {}).get("examined", ""),
        "verdicts": node_verdicts(decision, names) if decision else [],
        "whyPending": why_pending(pod, decision, nodes),
    }


def compare(principal: auth.Principal, namespace: str, name: str) -> dict:
    """Where each profile would put the pod now (a dry run: nothing is written)."""
    from scheduler import dryrun
    from scheduler.snapshot import build

    auth.authorize(principal, "get", by_kind("Pod"), namespace, name)
    pod = store.get("Pod", namespace, name)
    snap = build()  # one snapshot for all four, so they answer about the same moment
    out = []
    for profile, label in PROFILES:
        # settings={}: the named profile itself, whatever the cluster's default is.
        d = dryrun.explain(pod, profile, snapshot=snap, settings={})
        best = (d.get("scores") or [{}])[0]
        out.append({"profile": profile, "label": label, "node": d.get("node"),
                    "total": best.get("total") if d.get("node") else None,
                    "message": d.get("message", "")})
    return {"namespace": namespace, "name": name, "profiles": out}
