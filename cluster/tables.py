"""Server-side `Table` rendering for `kubectl get` (column definitions and row cells).

kubectl asks for `as=Table` and prints whatever columns the server sends, so the cells here
reproduce what kube-apiserver's printers show (READY "1/2", STATUS with CrashLoopBackOff,
AGE "5m3s", `<none>` placeholders...). Columns with priority 1 appear only with `-o wide`.
Rows are computed defensively: a malformed stored object yields placeholders, not an error.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

NONE = "<none>"
UNKNOWN = "<unknown>"

# --- small helpers ---------------------------------------------------------------------------


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list:
    return value if isinstance(value, list) else []


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _i(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _path(obj: Any, *keys: str) -> Any:
    for k in keys:
        obj = _d(obj).get(k)
    return obj


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def human_duration(seconds: float) -> str:
    """Kubernetes' HumanDuration: precise when recent, coarser as the duration grows."""
    secs = int(seconds)
    if secs < -1:
        return "<invalid>"  # clock skew beyond tolerance
    if secs < 0:
        return "0s"
    if secs < 120:
        return f"{secs}s"
    minutes = secs // 60
    if minutes < 10:
        rest = secs % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 3 * 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        rest = hours % 24
        return f"{days}d{rest}h" if rest else f"{days}d"
    if days < 365 * 2:
        return f"{days}d"
    years = days // 365
    if days < 365 * 8:
        rest = days % 365
        return f"{years}y{rest}d" if rest else f"{years}y"
    return f"{years}y"


def _since(value: Any, now: datetime) -> str:
    when = _parse_time(value)
    if when is None:
        return UNKNOWN
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return human_duration((now - when).total_seconds())


def _age(obj: dict, now: datetime) -> str:
    return _since(_path(obj, "metadata", "creationTimestamp"), now)


def _name(obj: dict) -> str:
    return _s(_path(obj, "metadata", "name"))


def _join_or_none(items: list[str]) -> str:
    return ",".join(items) if items else NONE


def _format_labels(labels: Any) -> str:
    pairs = [f"{k}={v}" for k, v in sorted(_d(labels).items(), key=lambda kv: str(kv[0]))]
    return _join_or_none(pairs)


def _format_selector(selector: Any) -> str:
    """A LabelSelector the way labels.Selector.String() prints it, sorted by key."""
    sel = _d(selector)
    parts = [(str(k), f"{k}={v}") for k, v in _d(sel.get("matchLabels")).items()]
    for expr in _l(sel.get("matchExpressions")):
        key, op = _s(_d(expr).get("key")), _d(expr).get("operator")
        values = ",".join(sorted(str(v) for v in _l(_d(expr).get("values"))))
        text = {"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op if isinstance(op, str) else "")
        if text is not None:
            parts.append((key, text))
    return _join_or_none([text for _, text in sorted(parts)])


def _containers_and_images(pod_spec: Any) -> list[str]:
    containers = [_d(c) for c in _l(_d(pod_spec).get("containers"))]
    return [",".join(_s(c.get("name")) for c in containers),
            ",".join(_s(c.get("image")) for c in containers)]


# --- column definitions ----------------------------------------------------------------------

_DESCRIPTIONS = {
    "Name": "Name must be unique within a namespace.",
    "Age": "CreationTimestamp is a timestamp representing the server time when this object "
           "was created.",
    "Containers": "Names of each container in the template.",
    "Images": "Images referenced by each container in the template.",
    "Selector": "Label query over the objects this resource manages.",
}

# (name, type, priority); "name" format goes to the first column automatically.
_COLUMNS: dict[str, list[tuple[str, str, int]]] = {
    "Pod": [("Name", "string", 0), ("Ready", "string", 0), ("Status", "string", 0),
            ("Restarts", "integer", 0), ("Age", "string", 0), ("IP", "string", 1),
            ("Node", "string", 1), ("Nominated Node", "string", 1),
            ("Readiness Gates", "string", 1)],
    "Deployment": [("Name", "string", 0), ("Ready", "string", 0), ("Up-to-date", "integer", 0),
                   ("Available", "integer", 0), ("Age", "string", 0),
                   ("Containers", "string", 1), ("Images", "string", 1),
                   ("Selector", "string", 1)],
    "ReplicaSet": [("Name", "string", 0), ("Desired", "integer", 0), ("Current", "integer", 0),
                   ("Ready", "integer", 0), ("Age", "string", 0), ("Containers", "string", 1),
                   ("Images", "string", 1), ("Selector", "string", 1)],
    "Service": [("Name", "string", 0), ("Type", "string", 0), ("Cluster-IP", "string", 0),
                ("External-IP", "string", 0), ("Port(s)", "string", 0), ("Age", "string", 0),
                ("Selector", "string", 1)],
    "Endpoints": [("Name", "string", 0), ("Endpoints", "string", 0), ("Age", "string", 0)],
    "Node": [("Name", "string", 0), ("Status", "string", 0), ("Roles", "string", 0),
             ("Age", "string", 0), ("Version", "string", 0), ("Internal-IP", "string", 1),
             ("External-IP", "string", 1), ("OS-Image", "string", 1),
             ("Kernel-Version", "string", 1), ("Container-Runtime", "string", 1)],
    "Namespace": [("Name", "string", 0), ("Status", "string", 0), ("Age", "string", 0)],
    "Event": [("Last Seen", "string", 0), ("Type", "string", 0), ("Reason", "string", 0),
              ("Object", "string", 0), ("Subobject", "string", 1), ("Source", "string", 1),
              ("Message", "string", 0), ("First Seen", "string", 1), ("Count", "string", 1),
              ("Name", "string", 1)],
    "Lease": [("Name", "string", 0), ("Holder", "string", 0), ("Age", "string", 0)],
    "ResourceQuota": [("Name", "string", 0), ("Age", "string", 0), ("Request", "string", 0),
                      ("Limit", "string", 0)],
    "LimitRange": [("Name", "string", 0), ("Created At", "date", 0)],
}
_DEFAULT_COLUMNS = [("Name", "string", 0), ("Age", "string", 0)]


def table_columns(kind: str) -> list[dict]:
    """columnDefinitions for a kind's Table (unknown kinds get Name + Age)."""
    columns = []
    for position, (name, ctype, priority) in enumerate(_COLUMNS.get(kind, _DEFAULT_COLUMNS)):
        columns.append({
            "name": name,
            "type": ctype,
            "format": "name" if position == 0 else "",
            "description": _DESCRIPTIONS.get(name, f"{name} of the {kind or 'object'}."),
            "priority": priority,
        })
    return columns


# --- pods ------------------------------------------------------------------------------------


def _condition_true(conditions: Any, ctype: str) -> bool:
    return any(_d(c).get("type") == ctype and _d(c).get("status") == "True"
               for c in _l(conditions))


def _terminated_reason(term: dict, prefix: str) -> str:
    if _s(term.get("reason")):
        return prefix + term["reason"]
    signal = _i(term.get("signal"))
    if signal:
        return f"{prefix}Signal:{signal}"
    return f"{prefix}ExitCode:{_i(term.get('exitCode'))}"


def _pod_status(obj: dict) -> tuple[str, int, int, int]:
    """(status text, ready containers, total containers, restarts) like kubectl's printPod."""
    spec, status = _d(obj.get("spec")), _d(obj.get("status"))
    reason = _s(status.get("reason")) or _s(status.get("phase"))
    for cond in _l(status.get("conditions")):
        if _d(cond).get("type") == "PodScheduled" and _d(cond).get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {_s(_d(c).get("name")): _d(c) for c in _l(spec.get("initContainers"))}
    sidecars = {n for n, c in init_specs.items() if c.get("restartPolicy") == "Always"}
    total = len(_l(spec.get("containers"))) + len(sidecars)
    ready = restarts = sidecar_restarts = 0
    initializing = False
    init_statuses = _l(status.get("initContainerStatuses"))
    for i, cs in enumerate(_d(c) for c in init_statuses):
        state, count = _d(cs.get("state")), _i(cs.get("restartCount"))
        restarts += count
        is_sidecar = _s(cs.get("name")) in sidecars
        if is_sidecar:
            sidecar_restarts += count
        term, waiting = _d(state.get("terminated")), _d(state.get("waiting"))
        if state.get("terminated") is not None and _i(term.get("exitCode")) == 0:
            continue
        if is_sidecar and cs.get("started") is True:
            ready += 1 if cs.get("ready") is True else 0
            continue
        initializing = True
        if state.get("terminated") is not None:
            reason = _terminated_reason(term, "Init:")
        elif _s(waiting.get("reason")) and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        break
    if not initializing or _condition_true(status.get("conditions"), "Initialized"):
        restarts = sidecar_restarts
        has_running = False
        for cs in reversed([_d(c) for c in _l(status.get("containerStatuses"))]):
            restarts += _i(cs.get("restartCount"))
            state = _d(cs.get("state"))
            waiting, term = _d(state.get("waiting")), _d(state.get("terminated"))
            if _s(waiting.get("reason")):
                reason = waiting["reason"]
            elif state.get("terminated") is not None:
                reason = _terminated_reason(term, "")
            elif cs.get("ready") is True and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(status.get("conditions"), "Ready") \
                else "NotReady"
    if _path(obj, "metadata", "deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif status.get("phase") not in ("Succeeded", "Failed"):
            reason = "Terminating"
    return reason, ready, total, restarts


def _pod_row(obj: dict, now: datetime) -> list:
    spec, status = _d(obj.get("spec")), _d(obj.get("status"))
    reason, ready, total, restarts = _pod_status(obj)
    pod_ips = [_s(_d(p).get("ip")) for p in _l(status.get("podIPs")) if _s(_d(p).get("ip"))]
    ip = pod_ips[0] if pod_ips else (_s(status.get("podIP")) or NONE)
    gates = [_s(_d(g).get("conditionType")) for g in _l(spec.get("readinessGates"))]
    gates_cell = NONE
    if gates:
        passed = sum(1 for g in gates if _condition_true(status.get("conditions"), g))
        gates_cell = f"{passed}/{len(gates)}"
    return [_name(obj), f"{ready}/{total}", reason, restarts, _age(obj, now), ip,
            _s(spec.get("nodeName")) or NONE, _s(status.get("nominatedNodeName")) or NONE,
            gates_cell]


# --- workloads -------------------------------------------------------------------------------


def _deployment_row(obj: dict, now: datetime) -> list:
    spec, status = _d(obj.get("spec")), _d(obj.get("status"))
    desired = _i(spec.get("replicas"), 1)
    template_spec = _path(spec, "template", "spec")
    return [_name(obj), f"{_i(status.get('readyReplicas'))}/{desired}",
            _i(status.get("updatedReplicas")), _i(status.get("availableReplicas")),
            _age(obj, now), *_containers_and_images(template_spec),
            _format_selector(spec.get("selector"))]


def _replicaset_row(obj: dict, now: datetime) -> list:
    spec, status = _d(obj.get("spec")), _d(obj.get("status"))
    return [_name(obj), _i(spec.get("replicas"), 1), _i(status.get("replicas")),
            _i(status.get("readyReplicas")), _age(obj, now),
            *_containers_and_images(_path(spec, "template", "spec")),
            _format_selector(spec.get("selector"))]


# --- services & endpoints --------------------------------------------------------------------


def _external_ip(spec: dict, status: dict) -> str:
    stype = _s(spec.get("type")) or "ClusterIP"
    external = [_s(ip) for ip in _l(spec.get("externalIPs")) if _s(ip)]
    if stype == "ExternalName":
        return _s(spec.get("externalName")) or NONE
    if stype == "LoadBalancer":
        ingress = [_s(_d(i).get("ip")) or _s(_d(i).get("hostname"))
                   for i in _l(_path(status, "loadBalancer", "ingress"))]
        found = [x for x in ingress if x] + external
        return ",".join(found) if found else "<pending>"
    return _join_or_none(external)


def _service_ports(spec: dict) -> str:
    cells = []
    for port in (_d(p) for p in _l(spec.get("ports"))):
        proto = _s(port.get("protocol")) or "TCP"
        node_port = _i(port.get("nodePort"))
        number = _i(port.get("port"))
        if node_port:
            cells.append(f"{number}:{node_port}/{proto}")
        else:
            cells.append(f"{number}/{proto}")
    return _join_or_none(cells)


def _service_row(obj: dict, now: datetime) -> list:
    spec, status = _d(obj.get("spec")), _d(obj.get("status"))
    return [_name(obj), _s(spec.get("type")) or "ClusterIP",
            _s(spec.get("clusterIP")) or NONE, _external_ip(spec, status),
            _service_ports(spec), _age(obj, now), _format_labels(spec.get("selector"))]


def _host_port(ip: str, port: Any) -> str:
    try:
        if isinstance(ipaddress.ip_address(ip), ipaddress.IPv6Address):
            return f"[{ip}]:{port}"
    except ValueError:
        pass
    return f"{ip}:{port}"


_MAX_ENDPOINTS = 3


def _format_endpoints(obj: dict) -> str:
    shown: list[str] = []
    count = 0
    for subset in (_d(s) for s in _l(obj.get("subsets"))):
        ips = [_s(_d(a).get("ip")) for a in _l(subset.get("addresses"))]
        ports = [_d(p).get("port") for p in _l(subset.get("ports"))]
        targets = [_host_port(ip, p) for p in ports for ip in ips] if ports else ips
        for target in targets:
            if len(shown) < _MAX_ENDPOINTS:
                shown.append(target)
            count += 1
    text = ",".join(shown)
    if count > len(shown):
        text += f" + {count - len(shown)} more..."
    return text or NONE


def _endpoints_row(obj: dict, now: datetime) -> list:
    return [_name(obj), _format_endpoints(obj), _age(obj, now)]


# --- cluster objects -------------------------------------------------------------------------


def _node_status(obj: dict) -> str:
    states = []
    for cond in (_d(c) for c in _l(_path(obj, "status", "conditions"))):
        if cond.get("type") == "Ready":
            states = ["Ready" if cond.get("status") == "True" else "NotReady"]
    if not states:
        states = ["Unknown"]
    if _path(obj, "spec", "unschedulable") is True:
        states.append("SchedulingDisabled")
    return ",".join(states)


def _node_roles(obj: dict) -> str:
    roles = set()
    for key, value in _d(_path(obj, "metadata", "labels")).items():
        if not isinstance(key, str):
            continue
        if key.startswith("node-role.kubernetes.io/") and key.split("/", 1)[1]:
            roles.add(key.split("/", 1)[1])
        elif key == "kubernetes.io/role" and _s(value):
            roles.add(value)
    return _join_or_none(sorted(roles))


def _node_address(obj: dict, kind: str) -> str:
    for addr in (_d(a) for a in _l(_path(obj, "status", "addresses"))):
        if addr.get("type") == kind and _s(addr.get("address")):
            return addr["address"]
    return NONE


def _node_row(obj: dict, now: datetime) -> list:
    info = _d(_path(obj, "status", "nodeInfo"))
    return [_name(obj), _node_status(obj), _node_roles(obj), _age(obj, now),
            _s(info.get("kubeletVersion")), _node_address(obj, "InternalIP"),
            _node_address(obj, "ExternalIP"), _s(info.get("osImage")) or UNKNOWN,
            _s(info.get("kernelVersion")) or UNKNOWN,
            _s(info.get("containerRuntimeVersion")) or UNKNOWN]


def _namespace_row(obj: dict, now: datetime) -> list:
    return [_name(obj), _s(_path(obj, "status", "phase")), _age(obj, now)]


def _event_row(obj: dict, now: datetime) -> list:
    involved = _d(obj.get("involvedObject"))
    first = obj.get("firstTimestamp") or obj.get("eventTime")
    first_seen = _since(first, now)
    last_seen = _since(obj.get("lastTimestamp"), now) if obj.get("lastTimestamp") else first_seen
    count = _i(obj.get("count"))
    series = _d(obj.get("series"))
    if series:
        last_seen = _since(series.get("lastObservedTime"), now)
        count = _i(series.get("count"))
    count = count or 1
    kind, name = _s(involved.get("kind")).lower(), _s(involved.get("name"))
    target = f"{kind}/{name}" if name else kind
    source = _d(obj.get("source"))
    component = _s(source.get("component")) or _s(obj.get("reportingComponent"))
    host = _s(source.get("host")) or _s(obj.get("reportingInstance"))
    source_cell = ", ".join(x for x in (component, host) if x)
    return [last_seen, _s(obj.get("type")), _s(obj.get("reason")), target,
            _s(involved.get("fieldPath")), source_cell, _s(obj.get("message")).strip(),
            first_seen, str(count), _name(obj)]


def _lease_row(obj: dict, now: datetime) -> list:
    return [_name(obj), _s(_path(obj, "spec", "holderIdentity")), _age(obj, now)]


def _quota_cells(obj: dict) -> list[str]:
    """REQUEST and LIMIT: `used/hard` per resource, limits.* in the second column."""
    hard, used = _d(_path(obj, "status", "hard")), _d(_path(obj, "status", "used"))
    if not hard:
        hard = _d(_path(obj, "spec", "hard"))
    request, limit = [], []
    for name in sorted(hard):
        cell = f"{name}: {used.get(name, 0)}/{hard[name]}"
        (limit if str(name).startswith("limits.") else request).append(cell)
    return [", ".join(request), ", ".join(limit)]


def _resourcequota_row(obj: dict, now: datetime) -> list:
    return [_name(obj), _age(obj, now), *_quota_cells(obj)]


def _limitrange_row(obj: dict, now: datetime) -> list:
    return [_name(obj), _s(_path(obj, "metadata", "creationTimestamp"))]


_ROWS: dict[str, Callable[[dict, datetime], list]] = {
    "Pod": _pod_row,
    "Deployment": _deployment_row,
    "ReplicaSet": _replicaset_row,
    "Service": _service_row,
    "Endpoints": _endpoints_row,
    "Node": _node_row,
    "Namespace": _namespace_row,
    "Event": _event_row,
    "Lease": _lease_row,
    "ResourceQuota": _resourcequota_row,
    "LimitRange": _limitrange_row,
}


def table_row(kind: str, obj: dict, now: datetime) -> list:
    """The cells of one Table row, aligned with `table_columns(kind)`."""
    if not isinstance(obj, dict):
        obj = {}
    render = _ROWS.get(kind)
    if render is None:
        return [_name(obj), _age(obj, now)]
    return render(obj, now)
