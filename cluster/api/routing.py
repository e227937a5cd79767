"""Turn an API path into what it names: resource, namespace, object name, subresource."""
from __future__ import annotations

from dataclasses import dataclass

from cluster.errors import NotFound
from cluster.resources import Resource, lookup


@dataclass(frozen=True)
class Target:
    resource: Resource
    namespace: str  # "" for cluster-scoped and all-namespaces requests
    name: str = ""  # "" for collections
    subresource: str = ""

    @property
    def is_collection(self) -> bool:
        return not self.name


def _not_found(path: str) -> NotFound:
    return NotFound("the server could not find the requested resource", name=path)


def resolve(group: str, version: str, rest: str) -> Target:
    """`rest` is the part after /api/v1/ or /apis/GROUP/VERSION/."""
    parts = [p for p in rest.split("/") if p]
    if not parts:
        raise _not_found(rest)
    # namespaces/NS/PLURAL[/NAME[/SUB]] is a namespaced resource; namespaces[/NAME[/SUB]]
    # is the Namespace kind itself.
    if parts[0] == "namespaces" and len(parts) >= 3 and lookup(group, version, parts[2]):
        res = lookup(group, version, parts[2])
        if res is None or not res.namespaced or len(parts) > 5:
            raise _not_found(rest)
        name = parts[3] if len(parts) > 3 else ""
        sub = parts[4] if len(parts) > 4 else ""
        return _checked(Target(res, parts[1], name, sub), rest)
    res = lookup(group, version, parts[0])
    if res is None or len(parts) > 3:
        raise _not_found(rest)
    name = parts[1] if len(parts) > 1 else ""
    sub = parts[2] if len(parts) > 2 else ""
    if res.namespaced and name:
        raise _not_found(rest)  # /api/v1/pods/NAME does not exist in Kubernetes either
    return _checked(Target(res, "", name, sub), rest)


def _checked(target: Target, rest: str) -> Target:
    if target.subresource and target.resource.subresource(target.subresource) is None:
        if not (target.resource.kind == "Namespace" and target.subresource == "finalize"):
            raise _not_found(rest)
    return target
