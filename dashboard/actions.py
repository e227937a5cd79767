"""What the dashboard's buttons do, each through the store and the user's authorization.

Plain functions of (principal, arguments) so they are tested without HTTP; the views in
api_views.py only decode JSON and map errors. No model is ever saved directly.
"""
from __future__ import annotations

from datetime import UTC, datetime

from cluster import auth, store
from cluster.errors import BadRequest
from cluster.objects import format_time
from cluster.resources import by_kind
from cluster.selectors import SelectorError, label_key_problem, label_value_problem

SCALABLE = ("Deployment", "ReplicaSet")
LABELLED = ("Pod", "Node", "Deployment", "ReplicaSet", "Service", "Namespace")
MAX_REPLICAS = 500  # a classroom guard-rail against a typo like 10000


def scale(principal: auth.Principal, kind: str, namespace: str, name: str,
          replicas: int) -> dict:
    if kind not in SCALABLE:
        raise BadRequest(f"{kind} cannot be scaled")
    if not isinstance(replicas, int) or not 0 <= replicas <= MAX_REPLICAS:
        raise BadRequest(f"replicas must be a whole number from 0 to {MAX_REPLICAS}")
    auth.authorize(principal, "patch", by_kind(kind), namespace, name)

    def change(obj: dict) -> dict:
        obj.setdefault("spec", {})["replicas"] = replicas
        return obj
    return store.mutate(kind, namespace, name, change)


def delete_pod(principal: auth.Principal, namespace: str, name: str) -> dict:
    auth.authorize(principal, "delete", by_kind("Pod"), namespace, name)
    obj, _gone = store.delete("Pod", namespace, name)
    return obj


def cordon(principal: auth.Principal, name: str, unschedulable: bool) -> dict:
    auth.authorize(principal, "patch", by_kind("Node"), "", name)

    def change(obj: dict) -> dict:
        spec = obj.setdefault("spec", {})
        if unschedulable:
            spec["unschedulable"] = True
        else:
            spec.pop("unschedulable", None)
        return obj
    return store.mutate("Node", "", name, change)


def set_labels(principal: auth.Principal, kind: str, namespace: str, name: str,
               labels: dict) -> dict:
    """Replace the object's labels with `labels` (validated here for a readable message)."""
    if kind not in LABELLED:
        raise BadRequest(f"labels of a {kind} cannot be edited here")
    if not isinstance(labels, dict):
        raise BadRequest("labels must be a map of strings")
    for key, value in labels.items():
        problem = (label_key_problem(key) if isinstance(key, str) else "keys must be text") \
            or (label_value_problem(value) if isinstance(value, str)
                else f"value of {key} must be text")
        if problem:
            raise BadRequest(problem)
    res = by_kind(kind)
    auth.authorize(principal, "patch", res, namespace if res.namespaced else "", name)

    def change(obj: dict) -> dict:
        obj.setdefault("metadata", {})["labels"] = dict(labels)
        return obj
    return store.mutate(kind, namespace if res.namespaced else "", name, change)


def parse_selector(text: str) -> list[dict]:
    """The API's own parser; the browser evaluates the requirements it returns."""
    from cluster.selectors import parse_label_selector
    try:
        selector = parse_label_selector(text)
    except SelectorError as exc:
        raise BadRequest(str(exc)) from None
    return [{"key": r.key, "operator": r.operator, "values": list(r.values)}
            for r in selector.requirements]


RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def restart(principal: auth.Principal, namespace: str, name: str) -> dict:
    """`kubectl rollout restart`: a new template annotation makes a new ReplicaSet."""
    auth.authorize(principal, "patch", by_kind("Deployment"), namespace, name)

    def change(obj: dict) -> dict:
        meta = obj.setdefault("spec", {}).setdefault("template", {}).setdefault("metadata", {})
        meta.setdefault("annotations", {})[RESTARTED_AT] = format_time(datetime.now(UTC))
        return obj
    return store.mutate("Deployment", namespace, name, change)


def set_image(principal: auth.Principal, namespace: str, name: str, container: str,
              image: str) -> dict:
    """`kubectl set image`: the Deployment controller rolls the change out."""
    if not isinstance(image, str) or not image.strip() or any(c.isspace() for c in image):
        raise BadRequest("the image must be a name like nginx:1.27 without spaces")
    auth.authorize(principal, "patch", by_kind("Deployment"), namespace, name)

    def change(obj: dict) -> dict:
        containers = obj.get("spec", {}).get("template", {}).get("spec", {}).get("containers")
        targets = [c for c in containers or [] if not container or c.get("name") == container]
        if not targets:
            raise BadRequest(f"no container {container!r} in {name}")
        targets[0]["image"] = image.strip()
        return obj
    return store.mutate("Deployment", namespace, name, change)
