"""What the store does to an object before it is written: defaults, validation,
per-kind initial state and allocations, and the rules of updates and deletions.

Called only from `cluster.store`, inside its transaction (so allocations such as
a Service's nodePort cannot race: writers are serialised by the revision lock).
"""
from __future__ import annotations

import copy
import ipaddress
import json
import random
from datetime import datetime, timedelta

from django.conf import settings

from cluster import limitrange, podsecurity, validation
from cluster.errors import BadRequest, Forbidden, NotFound, invalid
from cluster.objects import format_time, meta
from cluster.priority import resolve_priority
from cluster.resources import Resource

_IMMUTABLE_META = ("uid", "creationTimestamp", "namespace", "deletionTimestamp",
                   "deletionGracePeriodSeconds", "generation", "selfLink")


def _check(res: Resource, obj: dict, old: dict | None = None) -> None:
    causes = validation.validate(res.kind, obj, old)
    if causes:
        name = obj.get("metadata", {}).get("name", "") if isinstance(obj.get("metadata"),
                                                                     dict) else ""
        raise invalid(res.kind, str(name), causes, res.group)


# Kinds whose admission allocates from what is stored (ClusterIPs, nodePorts): the store
# admits them under its revision lock, every other kind before taking it.
ALLOCATING_KINDS = frozenset({"Service"})


def admit_create(res: Resource, obj: dict) -> None:
    if not isinstance(obj, dict):
        raise BadRequest("the request body must be a JSON or YAML object")
    obj["apiVersion"] = res.api_version
    obj["kind"] = res.kind
    m = meta(obj)
    if not res.namespaced:
        m.pop("namespace", None)
    if not m.get("name") and isinstance(m.get("generateName"), str) and m["generateName"]:
        m["name"] = m["generateName"][:58] + _random_suffix()
    validation.apply_defaults(res.kind, obj)
    ranges: list[dict] = []
    if res.kind == "Pod":
        resolve_priority(obj)
        # LimitRange defaults go in before validation and QoS classing see the pod, as
        # Kubernetes' LimitRanger mutates first; its min/max are checked once it is valid.
        ranges = limitrange.limit_ranges_in(str(m.get("namespace") or ""))
        limitrange.apply_defaults(obj, ranges)
    initial = _INITIAL.get(res.kind)
    if initial:
        initial(obj)
    _check(res, obj)
    limitrange.enforce(obj, ranges)
    enforce_pod_security(res, obj)


def _random_suffix() -> str:
    # Kubernetes' generateName alphabet: no vowels, no easily confused characters.
    return "".join(random.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))


def check_namespace_accepts(res: Resource, namespace: str, name: str) -> None:
    """A namespaced object needs its namespace to exist and not be terminating."""
    if not res.namespaced:
        return
    found = _namespace_row(namespace)
    if found is None:
        raise NotFound(f'namespaces "{namespace}" not found', kind="namespaces", name=namespace)
    if found[1] is not None:
        raise Forbidden(f'{res.plural} "{name}" is forbidden: '
                        f"unable to create new content in namespace {namespace} because it is "
                        "being terminated", kind=res.plural)


def _namespace_row(namespace: str) -> tuple[dict, object] | None:
    """(labels, deletion_timestamp) of a namespace, or None. Plain SQL: this runs on every
    namespaced write, and the ORM's query building costs more than the query."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT labels, deletion_timestamp FROM cluster_namespace "
                    "WHERE namespace = '' AND name = %s", [namespace])
        row = cur.fetchone()
    if row is None:
        return None
    labels = row[0] if isinstance(row[0], dict) else json.loads(row[0] or "{}")
    return labels, row[1]


def admit_update(res: Resource, new: dict, old: dict, subresource: str) -> dict:
    """The object as it will be stored after an update of `old` with `new`."""
    if subresource == "binding":
        return new  # built by bind_pod from the committed pod; only nodeName changed
    if subresource == "status":
        merged = copy.deepcopy(old)
        merged["status"] = new.get("status", {}) if isinstance(new.get("status"), dict) else {}
        if res.kind == "Pod":
            _sync_pod_conditions(merged)
        validation.zero_null_values(res.kind, merged)
        causes = validation.validate_status(res.kind, merged, old)
        if causes:
            raise invalid(res.kind, str(meta(merged).get("name", "")), causes, res.group)
        return merged
    merged = copy.deepcopy(new)
    merged["apiVersion"] = res.api_version
    merged["kind"] = res.kind
    mm, om = meta(merged), old["metadata"]
    for key in _IMMUTABLE_META:
        if key in om:
            mm[key] = om[key]
        else:
            mm.pop(key, None)
    if not res.namespaced:
        mm.pop("namespace", None)
    if res.has_status:
        merged["status"] = copy.deepcopy(old.get("status", {}))
    validation.apply_defaults(res.kind, merged)
    if res.kind == "Service":
        _keep_service_allocations(merged, old)
    _check(res, merged, old)
    if _spec_of(merged) != _spec_of(old):
        enforce_pod_security(res, merged)
        mm["generation"] = int(om.get("generation") or 1) + 1
    if om.get("deletionTimestamp") and res.kind != "Pod" and not mm.get("finalizers"):
        mm["deletionGracePeriodSeconds"] = 0
    return merged


_POD_SPEC_PATHS = {"Pod": ("spec",), "Deployment": ("spec", "template", "spec"),
                   "ReplicaSet": ("spec", "template", "spec")}
SETTINGS_CONFIGMAP = ("kube-system", "kubelab-settings")


def enforce_pod_security(res: Resource, obj: dict) -> None:
    """403 for a pod spec that breaks the namespace's Pod Security level or the image
    allow-list (ConfigMap kube-system/kubelab-settings, key `images.allowed`)."""
    path = _POD_SPEC_PATHS.get(res.kind)
    if path is None:
        return
    spec = obj
    for key in path:
        spec = spec.get(key) if isinstance(spec, dict) else None
    if not isinstance(spec, dict):
        return
    namespace = meta(obj).get("namespace", "")
    level, allowed = _pod_security_inputs(namespace)
    profile, problems = podsecurity.check(spec, level, allowed)
    if problems:
        raise Forbidden(f'{res.plural} "{meta(obj).get("name", "")}" is forbidden: violates '
                        f'PodSecurity "{profile}:latest": {", ".join(problems)}',
                        kind=res.plural, name=str(meta(obj).get("name", "")))


def _pod_security_inputs(namespace: str) -> tuple[str, list[str]]:
    """The namespace's Pod Security level and the teacher's image allow-list, in one
    query (this runs for every pod written): both read fresh, never cached, so a label
    or allow-list change applies to the very next pod."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT (SELECT labels FROM cluster_namespace WHERE namespace = '' AND "
                    "name = %s), (SELECT body FROM cluster_configmap WHERE namespace = %s "
                    "AND name = %s)", [namespace, *SETTINGS_CONFIGMAP])
        labels_raw, body = cur.fetchone()
    labels = labels_raw if isinstance(labels_raw, dict) else json.loads(labels_raw or "{}")
    level = "restricted" if isinstance(labels, dict) and \
        labels.get(podsecurity.ENFORCE_LABEL) == "restricted" else "baseline"
    if not body:
        return level, []
    raw = (json.loads(body).get("data") or {}).get("images.allowed", "")
    return level, [p.strip() for p in str(raw).split(",") if p.strip()]


def _spec_of(obj: dict):
    # Kinds without a spec (Endpoints, Event) count their whole payload as spec.
    if "spec" in obj:
        return obj["spec"]
    return {k: v for k, v in obj.items() if k not in ("metadata", "status")}


def plan_deletion(res: Resource, obj: dict, propagation: str, grace: int | None,
                  now: datetime) -> bool:
    """Mark `obj` for deletion in place; True when it must stay (pending), False to remove."""
    m = obj["metadata"]
    finalizers = list(m.get("finalizers") or [])
    if propagation == "Foreground" and "foregroundDeletion" not in finalizers:
        finalizers.append("foregroundDeletion")
    elif propagation == "Orphan" and "orphan" not in finalizers:
        finalizers.append("orphan")
    if finalizers != list(m.get("finalizers") or []):
        m["finalizers"] = finalizers
    if res.kind == "Pod":
        return _plan_pod_deletion(obj, grace, now) or bool(finalizers)
    if res.kind == "Namespace":
        if m.get("deletionTimestamp") and not (obj.get("spec") or {}).get("finalizers") \
                and not finalizers:
            return False
        m.setdefault("deletionTimestamp", format_time(now))
        m["deletionGracePeriodSeconds"] = 0
        obj.setdefault("status", {})["phase"] = "Terminating"
        return True
    if finalizers:
        m.setdefault("deletionTimestamp", format_time(now))
        m["deletionGracePeriodSeconds"] = 0
        return True
    return False


def _plan_pod_deletion(pod: dict, grace: int | None, now: datetime) -> bool:
    """Pods on a node get a grace period so the kubelet can stop them; others go at once."""
    spec, status, m = pod.get("spec", {}), pod.get("status", {}), pod["metadata"]
    if grace is None:
        grace = int(spec.get("terminationGracePeriodSeconds", 30) or 0)
    if not spec.get("nodeName") or status.get("phase") in ("Succeeded", "Failed"):
        grace = 0
    current = m.get("deletionGracePeriodSeconds")
    if grace <= 0:
        if m.get("finalizers"):
            m.setdefault("deletionTimestamp", format_time(now))
            m["deletionGracePeriodSeconds"] = 0
        return False
    if current is not None and current <= grace:
        return True  # already terminating with a shorter or equal grace period
    m["deletionTimestamp"] = format_time(now + timedelta(seconds=grace))
    m["deletionGracePeriodSeconds"] = grace
    return True


# --- per-kind initial state ------------------------------------------------

def _init_namespace(obj: dict) -> None:
    m = meta(obj)
    labels = m.setdefault("labels", {}) if isinstance(m.get("labels", {}), dict) else {}
    if isinstance(m.get("name"), str):
        labels["kubernetes.io/metadata.name"] = m["name"]
    spec = obj.setdefault("spec", {})
    if isinstance(spec, dict):
        spec.setdefault("finalizers", ["kubernetes"])
    obj["status"] = {"phase": "Active"}


def _init_pod(obj: dict) -> None:
    status = obj.get("status") if isinstance(obj.get("status"), dict) else {}
    status.setdefault("phase", "Pending")
    spec = obj.get("spec")
    if isinstance(spec, dict):
        status["qosClass"] = _qos_class(spec)
        if spec.get("nodeName"):
            _set_condition(status, "PodScheduled", "True")
    obj["status"] = status


def _qos_class(spec: dict) -> str:
    # Runs before validation, so every level may be the wrong type: never assume dicts.
    containers = [c for c in spec.get("containers") or [] if isinstance(c, dict)] \
        if isinstance(spec.get("containers"), list) else []
    resources = [c.get("resources") if isinstance(c.get("resources"), dict) else {}
                 for c in containers]
    requests = [r.get("requests") if isinstance(r.get("requests"), dict) else {}
                for r in resources]
    limits = [r.get("limits") if isinstance(r.get("limits"), dict) else {} for r in resources]
    if not any(requests) and not any(limits):
        return "BestEffort"
    guaranteed = all(
        lim.get("cpu") and lim.get("memory")
        and req.get("cpu", lim["cpu"]) == lim["cpu"]
        and req.get("memory", lim["memory"]) == lim["memory"]
        for req, lim in zip(requests, limits, strict=False)
        if isinstance(req, dict) and isinstance(lim, dict)
    )
    return "Guaranteed" if guaranteed else "Burstable"


def _set_condition(status: dict, ctype: str, value: str, reason: str = "") -> None:
    conds = status.setdefault("conditions", [])
    now = format_time(datetime.now().astimezone())
    for c in conds:
        if c.get("type") == ctype:
            if c.get("status") != value:
                c.update(status=value, lastTransitionTime=now)
            return
    cond = {"type": ctype, "status": value, "lastProbeTime": None, "lastTransitionTime": now}
    if reason:
        cond["reason"] = reason
    conds.append(cond)


def _sync_pod_conditions(pod: dict) -> None:
    status = pod.get("status") or {}
    if (pod.get("spec") or {}).get("nodeName"):
        _set_condition(status, "PodScheduled", "True")


def bind_pod(pod: dict, node_name: str) -> dict:
    """The pod after a Binding to `node_name` (the caller checked it was unbound)."""
    pod["spec"]["nodeName"] = node_name
    _set_condition(pod.setdefault("status", {}), "PodScheduled", "True")
    return pod


def _init_workload(obj: dict) -> None:
    # The official client insists on ReplicaSetStatus.replicas being present.
    obj["status"] = {"replicas": 0} if obj.get("kind") == "ReplicaSet" else {}


def _init_service(obj: dict) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    obj["status"] = {"loadBalancer": {}}
    if spec.get("type") == "ExternalName":
        return
    if spec.get("clusterIP") in (None, ""):
        spec["clusterIP"] = _free_cluster_ip()
    if spec["clusterIP"] != "None":
        spec["clusterIPs"] = [spec["clusterIP"]]
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec.get("type") in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
        _allocate_node_ports(obj, {})


def _service_bodies() -> list[dict]:
    from cluster.models import Service

    return [json.loads(b) for b in Service.objects.values_list("body", flat=True)]


def _free_cluster_ip() -> str:
    net = ipaddress.ip_network(settings.SERVICE_CLUSTER_IP_RANGE)
    used = {(s.get("spec") or {}).get("clusterIP") for s in _service_bodies()}
    # .1 is the kubernetes Service's address by convention; start above it.
    for _ in range(1000):
        candidate = str(net[random.randint(10, net.num_addresses - 2)])
        if candidate not in used:
            return candidate
    raise Forbidden("no free ClusterIP left in the service range")


def _allocate_node_ports(svc: dict, old_ports: dict) -> None:
    low, high = settings.NODE_PORT_RANGE
    name = meta(svc).get("name")
    used: set[int] = set()
    for other in _service_bodies():
        if other["metadata"]["name"] == name and other["metadata"].get("namespace") == \
                meta(svc).get("namespace"):
            continue
        for p in (other.get("spec") or {}).get("ports") or []:
            if p.get("nodePort"):
                used.add(int(p["nodePort"]))
    causes = []
    ports = svc["spec"].get("ports")
    for i, port in enumerate(ports if isinstance(ports, list) else []):
        if not isinstance(port, dict):
            continue
        # Runs before validation: a port or nodePort of the wrong type is left for
        # validation to report, never used as a key.
        key, given = port.get("port"), port.get("nodePort")
        if given is not None and (not isinstance(given, int) or isinstance(given, bool)):
            continue
        wanted = given or (old_ports.get(key) if isinstance(key, int) else None)
        if wanted:
            if wanted in used:
                causes.append({"reason": "FieldValueInvalid",
                               "message": f"Invalid value: {wanted}: provided port is already "
                                          "allocated", "field": f"spec.ports[{i}].nodePort"})
            port["nodePort"] = wanted
            used.add(wanted)
            continue
        free = [p for p in range(low, high + 1) if p not in used]
        if not free:
            raise Forbidden("no free nodePort left in 30000-32767")
        port["nodePort"] = random.choice(free)
        used.add(port["nodePort"])
    if causes:
        raise invalid("Service", str(name), causes)


def _keep_service_allocations(new: dict, old: dict) -> None:
    spec, old_spec = new.get("spec"), old.get("spec") or {}
    if not isinstance(spec, dict):
        return
    for key in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
        if key in old_spec and not spec.get(key):
            spec[key] = old_spec[key]
    if spec.get("type") in ("NodePort", "LoadBalancer"):
        old_ports = {p.get("port"): p.get("nodePort") for p in old_spec.get("ports") or []
                     if isinstance(p, dict) and p.get("nodePort")}
        spec.setdefault("externalTrafficPolicy", "Cluster")
        _allocate_node_ports(new, old_ports)
    elif isinstance(spec.get("ports"), list):
        for port in spec["ports"]:
            if isinstance(port, dict):
                port.pop("nodePort", None)


def _init_quota(obj: dict) -> None:
    # status.hard and status.used are the quota controller's to write, never the user's.
    obj["status"] = {}


_INITIAL = {
    "ResourceQuota": _init_quota,
    "Namespace": _init_namespace,
    "Pod": _init_pod,
    "Deployment": _init_workload,
    "ReplicaSet": _init_workload,
    "Service": _init_service,
}
