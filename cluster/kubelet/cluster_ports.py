"""How a pod reaches a ClusterIP Service on the Docker runtime.

A Service keeps its clusterIP in the API, as in Kubernetes, but nothing routes that
address here: real kube-proxy programs iptables/IPVS on every node, and a class cluster
must not rewrite its host's network. Instead kube-proxy (`proxy.py`) also listens, for
every TCP port of every Service with a clusterIP, on the Docker network's gateway
address (the host as the pod network sees it; never on a public interface), on a port
the kernel picks. It records that port in Redis (a hash per cluster, so it survives a
proxy restart and can be re-bound), and the kubelet injects, when it creates a container:

    <SVC>_SERVICE_HOST = the gateway address     (e.g. 172.17.0.1)
    <SVC>_SERVICE_PORT = the proxy's port there  (not the Service's port: one gateway
                                                  address serves many Services)

plus the docker-link style `<SVC>_PORT_<port>_TCP*` variables, with the Service's own
port in their names. So `wget http://$HELLO_SERVICE_HOST:$HELLO_SERVICE_PORT/` inside a
pod goes through the same userspace proxy as a NodePort, round robin over the ready
endpoints. As in Kubernetes the variables are fixed when the container starts: a
Service must exist (and be seen by the proxy, within a second) before the pod. A Service
the proxy has not picked up yet gets its clusterIP, as in Kubernetes, unreachable here.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

log = logging.getLogger("kubelab.proxy")

PORTS_KEY = "kubelab:proxy:cluster-ports"  # hash: "ns/name:port" -> the proxy's port


def service_key(namespace: str, name: str, port: int | str) -> str:
    return f"{namespace}/{name}:{port}"


@dataclass(frozen=True)
class Reach:
    """Where the proxy answers for each Service port, as seen from inside a pod."""

    host: str = ""
    ports: Mapping[str, int] = field(default_factory=dict)

    def of(self, namespace: str, name: str, port: int | str) -> int | None:
        return self.ports.get(service_key(namespace, name, port)) if self.host else None


def recorded() -> dict[str, int]:
    """Every Service port's proxy port (what the kubelet reads per container start)."""
    from cluster.events import redis_client

    out: dict[str, int] = {}
    for key, value in (redis_client().hgetall(PORTS_KEY) or {}).items():
        try:
            out[_text(key)] = int(value)
        except ValueError:
            continue
    return out


def record(key: str, port: int) -> None:
    from cluster.events import redis_client

    redis_client().hset(PORTS_KEY, key, str(port))


def forget(keys: list[str]) -> None:
    from cluster.events import redis_client

    if keys:
        redis_client().hdel(PORTS_KEY, *keys)


def reach(gateway: str) -> Reach:
    """The kubelet's view for a pod whose network has this gateway ("" = none)."""
    if not gateway:
        return Reach()
    try:
        return Reach(gateway, recorded())
    except Exception as exc:  # noqa: BLE001  (Redis away: fall back to the clusterIPs)
        log.warning("cannot read the proxy's service ports: %s", exc)
        return Reach()


def gateway_address(network: str = "") -> str:
    """The gateway of the Docker network pods join ("" = the default bridge), or ""."""
    try:
        import docker

        client = docker.from_env(timeout=10)
        try:
            configs = client.networks.get(network or "bridge").attrs["IPAM"]["Config"] or []
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001  (no engine: no pod can call a Service anyway)
        log.warning("no Docker network gateway to serve ClusterIP Services on: %s", exc)
        return ""
    return next((c["Gateway"] for c in configs if c.get("Gateway") and ":" not in c["Gateway"]),
                "")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
