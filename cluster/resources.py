"""The registry of API resources: what each kind is called, where it lives, what it allows.

Discovery, OpenAPI, URL dispatch, the store and Table output all read this one
table, so adding a kind means adding one entry here and one model.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models as djm

from cluster import models

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class Subresource:
    name: str
    kind: str
    verbs: tuple[str, ...]
    group: str = ""
    version: str = ""


@dataclass(frozen=True)
class Resource:
    kind: str
    plural: str
    singular: str
    group: str  # "" for core
    version: str
    namespaced: bool
    model: type[djm.Model]
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    # Kinds with a status subresource: the main endpoint ignores status changes
    # and /status ignores everything but status, as in Kubernetes.
    has_status: bool = True
    subresources: tuple[Subresource, ...] = field(default=())
    # Field selectors beyond metadata.name / metadata.namespace.
    extra_fields: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version_path(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    @property
    def field_selectors(self) -> set[str]:
        return {"metadata.name", "metadata.namespace", *self.extra_fields}

    def subresource(self, name: str) -> Subresource | None:
        return next((s for s in self.subresources if s.name == name), None)


def _status(kind: str) -> Subresource:
    return Subresource("status", kind, ("get", "patch", "update"))


def _scale() -> Subresource:
    return Subresource("scale", "Scale", ("get", "patch", "update"), "autoscaling", "v1")


RESOURCES: tuple[Resource, ...] = (
    Resource("Namespace", "namespaces", "namespace", "", "v1", False, models.Namespace,
             ("ns",), subresources=(_status("Namespace"),),
             extra_fields=("status.phase",)),
    Resource("Node", "nodes", "node", "", "v1", False, models.Node, ("no",),
             subresources=(_status("Node"),), extra_fields=("spec.unschedulable",)),
    Resource("Pod", "pods", "pod", "", "v1", True, models.Pod, ("po",), ("all",),
             subresources=(
                 _status("Pod"),
                 Subresource("binding", "Binding", ("create",)),
                 Subresource("log", "Pod", ("get",)),
                 Subresource("exec", "PodExecOptions", ("create", "get")),
             ),
             extra_fields=("spec.nodeName", "status.phase", "spec.schedulerName",
                           "status.podIP", "spec.restartPolicy")),
    Resource("Service", "services", "service", "", "v1", True, models.Service, ("svc",),
             ("all",), subresources=(_status("Service"),), extra_fields=("spec.type",)),
    Resource("Endpoints", "endpoints", "endpoints", "", "v1", True, models.Endpoints, ("ep",),
             has_status=False),
    Resource("Event", "events", "event", "", "v1", True, models.Event, ("ev",),
             has_status=False,
             extra_fields=("involvedObject.kind", "involvedObject.name",
                           "involvedObject.namespace", "involvedObject.uid", "reason",
                           "type", "source.component")),
    Resource("Deployment", "deployments", "deployment", "apps", "v1", True, models.Deployment,
             ("deploy",), ("all",), subresources=(_status("Deployment"), _scale())),
    Resource("ReplicaSet", "replicasets", "replicaset", "apps", "v1", True, models.ReplicaSet,
             ("rs",), ("all",), subresources=(_status("ReplicaSet"), _scale())),
    Resource("Lease", "leases", "lease", "coordination.k8s.io", "v1", True, models.Lease,
             has_status=False),
    Resource("ConfigMap", "configmaps", "configmap", "", "v1", True, models.ConfigMap, ("cm",),
             has_status=False),
    Resource("PriorityClass", "priorityclasses", "priorityclass", "scheduling.k8s.io", "v1",
             False, models.PriorityClass, ("pc",), has_status=False),
    # Quota status (hard, used) is written by the quota controller through /status.
    Resource("ResourceQuota", "resourcequotas", "resourcequota", "", "v1", True,
             models.ResourceQuota, ("quota",), subresources=(_status("ResourceQuota"),)),
    Resource("LimitRange", "limitranges", "limitrange", "", "v1", True, models.LimitRange,
             ("limits",), has_status=False),
)

BY_KIND: dict[str, Resource] = {r.kind: r for r in RESOURCES}
_BY_PATH: dict[tuple[str, str, str], Resource] = {
    (r.group, r.version, r.plural): r for r in RESOURCES
}


def by_kind(kind: str) -> Resource:
    return BY_KIND[kind]


def lookup(group: str, version: str, plural: str) -> Resource | None:
    return _BY_PATH.get((group, version, plural))


def group_versions() -> list[tuple[str, str]]:
    """Every (group, version) served, core first, in a stable order."""
    seen: list[tuple[str, str]] = []
    for r in RESOURCES:
        if (r.group, r.version) not in seen:
            seen.append((r.group, r.version))
    return seen


def resources_in(group: str, version: str) -> list[Resource]:
    return [r for r in RESOURCES if r.group == group and r.version == version]
