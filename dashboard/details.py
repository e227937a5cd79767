"""Everything the details panel shows about one object, gathered server-side.

YAML is rendered here (PyYAML) so the browser needs no YAML library. Parts that other
components fill in (the scheduler's decision, controllers' records) are shown when the
object carries them and simply left out when it does not.
"""
from __future__ import annotations

import json

import yaml

from cluster import auth, store
from cluster.errors import ApiError
from cluster.resources import by_kind
from cluster.selectors import parse_field_selector
from dashboard.snapshot import slim

DECISION = "scheduler.kubelab.io/decision"
MAX_OWNERS = 5  # an owner chain longer than Pod → ReplicaSet → Deployment is unusual
MAX_EVENTS = 50


def _events(namespace: str, kind: str, name: str) -> list[dict]:
    if not namespace:
        return []
    fields = parse_field_selector(f"involvedObject.kind={kind},involvedObject.name={name}",
                                  by_kind("Event").field_selectors)
    items = [json.loads(b) for b in store.list_objects("Event", namespace,
                                                       field_selector=fields).items]
    items.sort(key=lambda e: e.get("lastTimestamp") or e["metadata"]["creationTimestamp"])
    return [{"type": e.get("type", ""), "reason": e.get("reason", ""),
             "message": e.get("message", ""), "count": e.get("count", 1),
             "time": e.get("lastTimestamp") or e["metadata"]["creationTimestamp"]}
            for e in items[-MAX_EVENTS:]]


def _owners(obj: dict) -> list[dict]:
    chain: list[dict] = []
    current = obj
    while len(chain) < MAX_OWNERS:
        refs = [r for r in current["metadata"].get("ownerReferences") or [] if r.get("controller")]
        refs = refs or current["metadata"].get("ownerReferences") or []
        if not refs:
            break
        ref = refs[0]
        entry = {"kind": ref.get("kind", ""), "name": ref.get("name", ""), "found": False}
        chain.append(entry)
        try:
            current = store.get(entry["kind"], obj["metadata"].get("namespace", ""),
                                entry["name"])
            entry["found"] = True
        except (ApiError, KeyError):
            break
    return chain


def _pending_reason(obj: dict) -> str:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("status") == "False":
            return cond.get("message") or cond.get("reason") or ""
    return ""


def describe(principal: auth.Principal, kind: str, namespace: str, name: str) -> dict:
    res = by_kind(kind)
    namespace = namespace if res.namespaced else ""
    auth.authorize(principal, "get", res, namespace, name)
    obj = slim(store.get(kind, namespace, name))
    obj.setdefault("kind", kind)
    obj.setdefault("apiVersion", res.api_version)
    annotations = obj["metadata"].get("annotations") or {}
    decision = annotations.get(DECISION)
    try:
        decision = json.loads(decision) if decision else None
    except ValueError:
        pass  # a plain-text decision is shown as it is
    return {
        "kind": kind, "namespace": namespace, "name": name,
        "yaml": yaml.safe_dump(obj, sort_keys=False, default_flow_style=False),
        "conditions": (obj.get("status") or {}).get("conditions") or [],
        "events": _events(namespace, kind, name),
        "owners": _owners(obj),
        "pendingReason": _pending_reason(obj) if kind == "Pod" else "",
        "decision": decision,
    }
