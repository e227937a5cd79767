"""Service and Endpoints validation."""

from __future__ import annotations

from typing import Any

from . import names
from .causes import Cause, forbidden, immutable, index, invalid, join, not_supported, required
from .meta import as_dict, as_list, check_name, check_unique, is_int, validate_labels

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PROTOCOLS = ("SCTP", "TCP", "UDP")
AFFINITIES = ("ClientIP", "None")
TRAFFIC_POLICIES = ("Cluster", "Local")
NODE_PORT_RANGE = (30000, 32767)
_RANGE_MSG = (f"provided port is not in the valid range. The range of valid ports is "
              f"{NODE_PORT_RANGE[0]}-{NODE_PORT_RANGE[1]}")


def _port_in_range(value: Any, path: str) -> list[Cause]:
    if is_int(value):
        return [invalid(path, value, m) for m in names.port_number(value)]
    return []


def _validate_service_port(port: dict, p: str, stype: Any, needs_name: bool) -> list[Cause]:
    causes: list[Cause] = []
    name = port.get("name")
    if name in (None, ""):
        if needs_name:
            causes.append(required(join(p, "name")))
    elif isinstance(name, str):
        causes += check_name(join(p, "name"), name, names.dns1123_label)
    number = port.get("port")
    if number is None:
        causes.append(required(join(p, "port")))
    causes += _port_in_range(number, join(p, "port"))
    proto = port.get("protocol")
    if isinstance(proto, str) and proto not in PROTOCOLS:
        causes.append(not_supported(join(p, "protocol"), proto, PROTOCOLS))
    target = port.get("targetPort")
    if is_int(target) and target != 0:
        causes += _port_in_range(target, join(p, "targetPort"))
    elif isinstance(target, str) and target:
        causes += check_name(join(p, "targetPort"), target, names.iana_svc_name)
    node_port = port.get("nodePort")
    if is_int(node_port) and node_port != 0:
        if stype in ("ClusterIP", "ExternalName") or stype is None:
            causes.append(forbidden(join(p, "nodePort"),
                                    f"may not be used when `type` is '{stype or 'ClusterIP'}'"))
        elif not NODE_PORT_RANGE[0] <= node_port <= NODE_PORT_RANGE[1]:
            causes.append(invalid(join(p, "nodePort"), node_port, _RANGE_MSG))
    return causes


def _validate_ports(spec: dict, stype: Any) -> list[Cause]:
    ports = spec.get("ports")
    headless = spec.get("clusterIP") == "None"
    items = as_list(ports)
    if not items:
        wrong_type = ports is not None and not isinstance(ports, list)  # type walker reports
        if not wrong_type and stype != "ExternalName" and not headless:
            return [required("spec.ports")]
        return []
    causes: list[Cause] = []
    port_names: list[tuple[str, Any]] = []
    for i, port in enumerate(items):
        if not isinstance(port, dict):
            continue
        p = index("spec.ports", i)
        causes += _validate_service_port(port, p, stype, len(items) > 1)
        if isinstance(port.get("name"), str) and port.get("name"):
            port_names.append((join(p, "name"), port["name"]))
    return causes + check_unique(port_names)


def _validate_ips(spec: dict, stype: Any) -> list[Cause]:
    causes: list[Cause] = []
    cluster_ip = spec.get("clusterIP")
    if isinstance(cluster_ip, str) and cluster_ip not in ("", "None"):
        causes += check_name("spec.clusterIP", cluster_ip, names.ip_address)
    for i, ip in enumerate(as_list(spec.get("clusterIPs"))):
        if isinstance(ip, str) and ip not in ("", "None"):
            causes += check_name(index("spec.clusterIPs", i), ip, names.ip_address)
    for i, ip in enumerate(as_list(spec.get("externalIPs"))):
        if isinstance(ip, str):
            causes += check_name(index("spec.externalIPs", i), ip, names.ip_address)
    if stype == "ExternalName":
        ext = spec.get("externalName")
        if ext in (None, ""):
            causes.append(required("spec.externalName"))
        elif isinstance(ext, str):
            # A trailing dot (fully-qualified form) is accepted, as by kube-apiserver.
            trimmed = ext[:-1] if ext.endswith(".") else ext
            causes += check_name("spec.externalName", trimmed, names.dns1123_subdomain)
    return causes


def validate_service(obj: dict) -> list[Cause]:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return [required("spec")] if spec is None else []
    causes: list[Cause] = []
    stype = spec.get("type")
    if isinstance(stype, str) and stype not in SERVICE_TYPES:
        causes.append(not_supported("spec.type", stype, SERVICE_TYPES))
    causes += _validate_ports(spec, stype)
    causes += _validate_ips(spec, stype)
    affinity = spec.get("sessionAffinity")
    if isinstance(affinity, str) and affinity and affinity not in AFFINITIES:
        causes.append(not_supported("spec.sessionAffinity", affinity, AFFINITIES))
    for field in ("externalTrafficPolicy", "internalTrafficPolicy"):
        policy = spec.get(field)
        if isinstance(policy, str) and policy and policy not in TRAFFIC_POLICIES:
            causes.append(not_supported(join("spec", field), policy, TRAFFIC_POLICIES))
    ext_policy = spec.get("externalTrafficPolicy")
    if ext_policy and stype not in ("NodePort", "LoadBalancer"):
        causes.append(invalid("spec.externalTrafficPolicy", ext_policy,
                              "may only be set when `type` is 'NodePort' or 'LoadBalancer'"))
    causes += validate_labels(spec.get("selector"), "spec.selector")
    return causes


def validate_service_update(new: dict, old: dict) -> list[Cause]:
    """A set clusterIP can't change (an omitted one is carried over by the server)."""
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    before, after = old_spec.get("clusterIP"), new_spec.get("clusterIP")
    if new_spec.get("type") == "ExternalName" or old_spec.get("type") == "ExternalName":
        return []
    if isinstance(before, str) and before and isinstance(after, str) and after \
            and before != after:
        return [immutable("spec.clusterIP", after)]
    return []


def _validate_addresses(addresses: Any, path: str) -> list[Cause]:
    causes: list[Cause] = []
    for j, addr in enumerate(as_list(addresses)):
        if not isinstance(addr, dict):
            continue
        p = index(path, j)
        ip = addr.get("ip")
        if ip in (None, ""):
            causes.append(required(join(p, "ip")))
        elif isinstance(ip, str):
            causes += check_name(join(p, "ip"), ip, names.ip_address)
        host = addr.get("hostname")
        if isinstance(host, str) and host:
            causes += check_name(join(p, "hostname"), host, names.dns1123_label)
    return causes


def validate_endpoints(obj: dict) -> list[Cause]:
    causes: list[Cause] = []
    for i, subset in enumerate(as_list(obj.get("subsets"))):
        if not isinstance(subset, dict):
            continue
        sp = index("subsets", i)
        causes += _validate_addresses(subset.get("addresses"), join(sp, "addresses"))
        causes += _validate_addresses(subset.get("notReadyAddresses"),
                                      join(sp, "notReadyAddresses"))
        ports = as_list(subset.get("ports"))
        port_names: list[tuple[str, Any]] = []
        for j, port in enumerate(ports):
            if not isinstance(port, dict):
                continue
            p = index(join(sp, "ports"), j)
            name = port.get("name")
            if isinstance(name, str) and name:
                causes += check_name(join(p, "name"), name, names.dns1123_label)
                port_names.append((join(p, "name"), name))
            elif len(ports) > 1:
                causes.append(required(join(p, "name")))
            number = port.get("port")
            if number is None:
                causes.append(required(join(p, "port")))
            causes += _port_in_range(number, join(p, "port"))
            proto = port.get("protocol")
            if isinstance(proto, str) and proto not in PROTOCOLS:
                causes.append(not_supported(join(p, "protocol"), proto, PROTOCOLS))
        causes += check_unique(port_names)
    return causes
