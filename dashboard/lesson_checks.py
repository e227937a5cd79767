"""A lesson step's check: a small declarative test of the cluster, evaluated over the store.

    check: {kind: Pod, selector: app=web, phase: Running, ready: true, count: 3}

Keys: kind, name, selector (label selector), phase, ready (the Ready condition),
conditions ({type: status}), fields ({dotted.path: value}), exists / absent ([paths]),
avoidNodes (a node label selector: objects on those nodes do not count), distinct (a
path whose values must all differ), count / min / max (of the objects that
pass every other test; min 1 when none is given), text (what the page shows), and
all: [checks] (every one must hold). Namespaced kinds are looked up only in the lesson's
namespace; objects being deleted are not counted, as `kubectl get` shows them Terminating.
Reads are authorized like an API list with the viewer's own token.
"""
from __future__ import annotations

import json
import re
from typing import Any

from cluster import auth, store
from cluster.resources import by_kind
from cluster.selectors import parse_label_selector

MISSING = object()
# Kinds the vocabulary table spells (Borg words on the switch); others stay as they are.
KIND_TERMS = {"Pod": "pod", "Node": "node", "Deployment": "deployment",
              "ReplicaSet": "replicaset", "Service": "service", "Endpoints": "endpoints",
              "Namespace": "namespace", "PriorityClass": "priorityclass",
              "ResourceQuota": "resourcequota"}
TERM = re.compile(r"\[\[([A-Za-z]+)(\|s)?\]\]")


def plain(text: str) -> str:
    """Check text for a terminal: [[pod|s]] → pods (Kubernetes words)."""
    from dashboard.vocabulary import BY_KEY, word
    return TERM.sub(lambda m: word(m.group(1).lower(), plural=bool(m.group(2)))
                    if m.group(1).lower() in BY_KEY else m.group(0), text)


_PART = re.compile(r'\["([^"]+)"\]|\[(\d+)\]|([^.\[\]]+)')


def field_value(obj: Any, path: str) -> Any:
    """`spec.containers[1].image` or `status.used["requests.cpu"]` in obj, or MISSING."""
    current = obj
    for match in _PART.finditer(path):
        part = next(g for g in match.groups() if g is not None)
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return MISSING
    return current


def _condition(obj: dict, kind: str) -> str:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return str(cond.get("status"))
    return ""


def _passes(obj: dict, check: dict) -> bool:
    if check.get("phase") and (obj.get("status") or {}).get("phase") != check["phase"]:
        return False
    if "ready" in check and (_condition(obj, "Ready") == "True") != bool(check["ready"]):
        return False
    for kind, status in (check.get("conditions") or {}).items():
        if _condition(obj, kind) != str(status):
            return False
    for path, expected in (check.get("fields") or {}).items():
        if field_value(obj, path) != expected:
            return False
    if any(field_value(obj, path) in (MISSING, None, "", [], {})
           for path in check.get("exists") or []):
        return False
    return all(field_value(obj, path) in (MISSING, None, "", [], {})
               for path in check.get("absent") or [])


def describe(check: dict) -> str:
    """"3 Pods with app=web Running and Ready": the default text of a check."""
    if check.get("text"):
        return str(check["text"])
    if "all" in check:
        return "; ".join(describe(c) for c in check["all"])
    if "count" in check:
        how = str(check["count"])
    elif "min" in check and "max" in check:
        how = f"{check['min']}–{check['max']}"
    elif "max" in check:
        how = f"at most {check['max']}"
    else:
        how = f"at least {check.get('min', 1)}"
    key = KIND_TERMS.get(check["kind"])
    if key:
        noun = f"[[{key}]]" if how == "1" else f"[[{key}|s]]"
    else:
        noun = check["kind"] + ("" if how == "1" else "s")
    words = [how, noun]
    if check.get("name"):
        words.append(f"named {check['name']}")
    if check.get("selector"):
        words.append(f"with {check['selector']}")
    if check.get("phase"):
        words.append(check["phase"])
    if check.get("ready"):
        words.append("and Ready")
    for path, value in (check.get("fields") or {}).items():
        words.append(f"{path}={value}")
    if check.get("distinct"):
        words.append(f"each on a different {check['distinct']}")
    return " ".join(words)


def _objects(principal: auth.Principal, check: dict, namespace: str) -> list[dict]:
    res = by_kind(check["kind"])
    ns = namespace if res.namespaced else ""
    auth.authorize(principal, "list", res, ns, "")
    selector = parse_label_selector(check["selector"]) if check.get("selector") else None
    items = [json.loads(b) for b in store.list_objects(check["kind"], ns or None,
                                                       label_selector=selector).items]
    return [o for o in items if not o["metadata"].get("deletionTimestamp")
            and (not check.get("name") or o["metadata"]["name"] == check["name"])]


def _node_names(principal: auth.Principal, selector: str) -> set[str]:
    """Nodes matching a label selector (avoidNodes: pods on them do not count)."""
    auth.authorize(principal, "list", by_kind("Node"), "", "")
    parsed = parse_label_selector(selector)
    return {json.loads(b)["metadata"]["name"]
            for b in store.list_objects("Node", None, label_selector=parsed).items}


def evaluate(principal: auth.Principal, check: dict, namespace: str) -> dict:
    """{"ok": bool, "text": what is expected, "found": how many objects passed}."""
    if "all" in check:
        parts = [evaluate(principal, c, namespace) for c in check["all"]]
        return {"ok": all(p["ok"] for p in parts), "text": describe(check),
                "found": sum(p["found"] for p in parts), "parts": parts}
    passing = [o for o in _objects(principal, check, namespace) if _passes(o, check)]
    if check.get("avoidNodes"):
        avoid = _node_names(principal, str(check["avoidNodes"]))
        passing = [o for o in passing if (o.get("spec") or {}).get("nodeName") not in avoid]
    found = len(passing)
    ok = found >= check.get("min", 0 if ("count" in check or "max" in check) else 1)
    if "count" in check:
        ok = found == check["count"]
    if "max" in check:
        ok = ok and found <= check["max"]
    if ok and check.get("distinct"):
        values = [json.dumps(field_value(o, check["distinct"]), default=str) for o in passing]
        ok = len(set(values)) == len(values)
    return {"ok": ok, "text": describe(check), "found": found}
