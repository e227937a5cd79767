"""What a lesson step's buttons do, through the same functions as the map's buttons.

Every object a lesson creates carries the label kubelab.io/lesson=<id> (its pod template
too, so the pods do), and so does every node it kills or cordons: reset finds them all
by that label. Manifests go through the editor's own server-side apply, so a lesson
creates exactly what a student's apply would, with the same admission and messages.
"""
from __future__ import annotations

import json
import re

import yaml

from cluster import auth, store
from cluster.errors import ApiError, BadRequest, NotFound
from cluster.resources import by_kind
from cluster.selectors import parse_label_selector
from dashboard import actions, editor_borg, editor_ops, node_actions
from dashboard.lesson_model import Lesson

LABEL = "kubelab.io/lesson"
# ResourceQuota and LimitRange count only where this cluster serves them.
RESET_KINDS = ("Deployment", "ReplicaSet", "Service", "Pod", "ConfigMap", "ResourceQuota",
               "LimitRange")


def _reset_kinds() -> list[str]:
    from cluster.resources import BY_KIND
    return [k for k in RESET_KINDS if k in BY_KIND]
LOOKUP = re.compile(r"\{\{(podIP|nodeOf):([^}]+)\}\}")


def substitute(text: str, lesson: Lesson, namespace: str) -> str:
    """{{lesson}}, {{namespace}}, and what only the live cluster knows: {{podIP:SELECTOR}}
    (a pod's IP, lesson 11) and {{nodeOf:SELECTOR}} (the node a pod runs on, to put the
    next pod beside it whatever the nodes are called)."""
    text = text.replace("{{lesson}}", lesson.id).replace("{{namespace}}", namespace)

    def lookup(match: re.Match) -> str:
        selector = match.group(2).strip()
        if match.group(1) == "podIP":
            return _pod_ip(namespace, selector)
        return _node_of(namespace, {"of": selector})
    return LOOKUP.sub(lookup, text)


def _pods(namespace: str, selector: str) -> list[dict]:
    parsed = parse_label_selector(selector) if selector else None
    pods = [json.loads(b) for b in store.list_objects("Pod", namespace,
                                                      label_selector=parsed).items]
    return [p for p in pods if not p["metadata"].get("deletionTimestamp")]


def _pod_ip(namespace: str, selector: str) -> str:
    for pod in _pods(namespace, selector):
        if (pod.get("status") or {}).get("podIP"):
            return pod["status"]["podIP"]
    raise BadRequest(f"no pod with {selector} has an IP yet")


def _labelled(manifest: str, lesson: Lesson, namespace: str) -> str:
    docs = [d for d in yaml.safe_load_all(manifest) if d]
    for i, doc in enumerate(docs):
        if editor_borg.is_job(doc):  # labelled as the Deployment it becomes
            translation = editor_borg.translate(doc, namespace)
            if translation.deployment is None:
                raise BadRequest("; ".join(m for _path, m in translation.errors))
            doc = docs[i] = translation.deployment
        doc.setdefault("metadata", {}).setdefault("labels", {})[LABEL] = lesson.id
        template = (doc.get("spec") or {}).get("template")
        if isinstance(template, dict):  # so reset finds the pods, and the map shows whose
            template.setdefault("metadata", {}).setdefault("labels", {})[LABEL] = lesson.id
    return yaml.safe_dump_all(docs, sort_keys=False)


def for_editor(manifest: str, lesson: Lesson, namespace: str) -> str:
    """A yourself step's manifest as the student opens it: labelled, so reset finds what
    they apply by hand too (a Borg job is left as written: the editor translates it)."""
    # Live lookups ({{podIP:...}}) stay as written: the page is rendered before they exist.
    text = manifest.replace("{{namespace}}", namespace).replace("{{lesson}}", lesson.id)
    try:
        docs = [d for d in yaml.safe_load_all(text) if d]
    except yaml.YAMLError:
        return text
    if any(not isinstance(d, dict) or editor_borg.is_job(d) for d in docs):
        return text
    return _labelled(text, lesson, namespace)


def _apply(principal: auth.Principal, lesson: Lesson, namespace: str, action: dict) -> dict:
    text = _labelled(substitute(action["manifest"], lesson, namespace), lesson, namespace)
    result = editor_ops.apply(principal, text, namespace)
    if not result.get("applied"):
        problems = "; ".join(e.get("message", "") for e in result.get("errors") or [])
        raise BadRequest(problems or "the manifest was not applied")
    return {"ok": True, "results": result["results"]}


def _node_of(namespace: str, action: dict) -> str:
    """The node named by `node:`, or the node of the first scheduled pod matching `of:`."""
    if action.get("node"):
        return str(action["node"])
    for pod in _pods(namespace, str(action.get("of") or "")):
        node = (pod.get("spec") or {}).get("nodeName")
        if node:
            return node
    raise BadRequest(f"no pod with {action.get('of')} is on a node yet")


def _mark_node(principal: auth.Principal, name: str, lesson_id: str | None) -> None:
    """Label a node the lesson touched (None removes the label), for reset to find it."""
    auth.authorize(principal, "patch", by_kind("Node"), "", name)

    def change(node: dict) -> dict:
        labels = node.setdefault("metadata", {}).setdefault("labels", {})
        if lesson_id is None:
            labels.pop(LABEL, None)
        else:
            labels[LABEL] = lesson_id
        return node
    store.mutate("Node", "", name, change)


def _kill(principal: auth.Principal, lesson: Lesson, namespace: str, action: dict) -> dict:
    name = _node_of(namespace, action)
    result = node_actions.set_killed(principal, name, True)
    _mark_node(principal, name, lesson.id)
    return {**result, "node": name}


def _cordon(principal: auth.Principal, lesson: Lesson, namespace: str, action: dict) -> dict:
    name = _node_of(namespace, action)
    if action["do"] == "drain":
        result = node_actions.drain(principal, name)
    else:
        actions.cordon(principal, name, action["do"] == "cordon")
        result = {"ok": True}
    _mark_node(principal, name, lesson.id if action["do"] != "uncordon" else None)
    return {**result, "node": name}


def _lesson_nodes(lesson: Lesson) -> list[dict]:
    selector = parse_label_selector(f"{LABEL}={lesson.id}")
    return [json.loads(b) for b in store.list_objects("Node", None,
                                                      label_selector=selector).items]


def _revive(principal: auth.Principal, lesson: Lesson, namespace: str, action: dict) -> dict:
    """Bring back (and uncordon) every node this lesson killed or cordoned."""
    names = [n["metadata"]["name"] for n in _lesson_nodes(lesson)]
    for name in names:
        node_actions.set_killed(principal, name, False)
        actions.cordon(principal, name, False)
        _mark_node(principal, name, None)
    return {"ok": True, "nodes": names}


def _pick_pod(namespace: str, action: dict) -> str:
    if action.get("name"):
        return str(action["name"])
    pods = _pods(namespace, str(action.get("selector") or ""))
    if not pods:
        raise BadRequest(f"no pod with {action.get('selector')} to pick")
    return pods[0]["metadata"]["name"]


def _set_labels(principal: auth.Principal, lesson: Lesson, namespace: str,
                action: dict) -> dict:
    kind = action["kind"]
    name = action.get("name") or (_pick_pod(namespace, action) if kind == "Pod" else "")
    if not name:
        raise BadRequest("set-labels needs a name (or a selector for a Pod)")
    res = by_kind(kind)
    ns = namespace if res.namespaced else ""
    auth.authorize(principal, "get", res, ns, name)
    labels = dict(store.get(kind, ns, name)["metadata"].get("labels") or {})
    labels.update({str(k): str(v) for k, v in (action.get("set") or {}).items()})
    for key in action.get("remove") or []:
        labels.pop(key, None)
    actions.set_labels(principal, kind, ns, name, labels)
    return {"ok": True, "name": name}


def perform(principal: auth.Principal, lesson: Lesson, namespace: str, action: dict) -> dict:
    """Do one action of a step; ApiError (with a readable message) when it cannot be done.

    An action marked `expect: refused` teaches a refusal (a quota, a forbidden namespace):
    its error is the expected outcome, returned as {"refused": message}; succeeding is
    the surprise and raises."""
    if action.get("expect") == "refused":
        try:
            _perform(principal, lesson, namespace, action)
        except ApiError as err:
            return {"ok": True, "refused": err.message}
        raise BadRequest("this was expected to be refused, but the cluster accepted it")
    return _perform(principal, lesson, namespace, action)


def _perform(principal: auth.Principal, lesson: Lesson, namespace: str, action: dict) -> dict:
    do = action["do"]
    if do == "apply":
        return _apply(principal, lesson, namespace, action)
    if do == "scale":
        actions.scale(principal, action.get("kind", "Deployment"), namespace, action["name"],
                      action["replicas"])
    elif do == "delete-pod":
        name = _pick_pod(namespace, action)
        actions.delete_pod(principal, namespace, name)
        return {"ok": True, "name": name}
    elif do == "kill-node":
        return _kill(principal, lesson, namespace, action)
    elif do == "revive-node":
        return _revive(principal, lesson, namespace, action)
    elif do in ("cordon", "uncordon", "drain"):
        return _cordon(principal, lesson, namespace, action)
    elif do == "set-image":
        actions.set_image(principal, namespace, action["name"], action.get("container", ""),
                          action["image"])
    elif do == "set-labels":
        return _set_labels(principal, lesson, namespace, action)
    elif do == "restart":
        actions.restart(principal, namespace, action["name"])
    return {"ok": True}


def ensure_namespace(principal: auth.Principal, namespace: str) -> None:
    """An admin's lesson namespace (lesson-<id>) is made on first use; a student's exists."""
    try:
        store.get("Namespace", "", namespace)
    except NotFound:
        auth.authorize(principal, "create", by_kind("Namespace"), "", namespace)
        try:
            store.create("Namespace", {"apiVersion": "v1", "kind": "Namespace",
                                       "metadata": {"name": namespace}})
        except ApiError:
            pass  # created meanwhile by another tab


def reset(principal: auth.Principal, lesson: Lesson, namespace: str) -> dict:
    """Delete everything the lesson made in the namespace; revive the nodes it touched."""
    selector = parse_label_selector(f"{LABEL}={lesson.id}")
    deleted = 0
    kinds = [(k, namespace) for k in _reset_kinds()]
    if principal.is_admin:
        kinds.append(("PriorityClass", ""))
    for kind, ns in kinds:
        for body in store.list_objects(kind, ns or None, label_selector=selector).items:
            meta = json.loads(body)["metadata"]
            try:
                auth.authorize(principal, "delete", by_kind(kind), ns, meta["name"])
                store.delete(kind, ns, meta["name"], propagation="Background")
                deleted += 1
            except NotFound:
                pass  # its owner's deletion took it first
    nodes = _revive(principal, lesson, namespace, {})["nodes"] if principal.is_admin else []
    if deleted:
        editor_ops._sweep_soon()  # finish the cascades now, as the editor's delete does
    return {"ok": True, "deleted": deleted, "revived": nodes}


def leftovers(lesson: Lesson, namespace: str) -> int:
    """Objects of the lesson still present (the runner waits for 0 after a reset)."""
    selector = parse_label_selector(f"{LABEL}={lesson.id}")
    return sum(len(store.list_objects(k, namespace, label_selector=selector).items)
               for k in _reset_kinds())
