"""The simulated fleet: node names, zones, addresses, and which nodes are failed on request.

Failing a node: set `simulator.failedNodes` in the ConfigMap `kube-system/kubelab-settings`
to a comma-separated list of node names (`*` fails all of this simulator's nodes).
Removing a name revives that node.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

from cluster import store
from cluster.errors import NotFound
from cluster.kubelet.node_agent import NodeSpec

SETTINGS_NAMESPACE = "kube-system"
SETTINGS_NAME = "kubelab-settings"
FAILED_NODES_KEY = "simulator.failedNodes"
SIMULATED_LABEL = "kubelab.io/simulated"
ZONE_NAMES = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class FleetConfig:
    count: int
    prefix: str = "sim-"
    zones: int = 3
    cpu: str = "4"
    memory: str = "16Gi"
    pods: int = 110


def _prefix_block(prefix: str) -> int:
    """A second octet per prefix, so two simulators hand out different addresses."""
    return {"node-": 64, "sim-": 96}.get(prefix, 128 + zlib.crc32(prefix.encode()) % 64)


def node_name(cfg: FleetConfig, index: int) -> str:
    return f"{cfg.prefix}{index}"


def host_ip(cfg: FleetConfig, index: int) -> str:
    return f"172.{16 + _prefix_block(cfg.prefix) % 16}.{index >> 8 & 255}.{index & 255}"


def pod_ip(cfg: FleetConfig, index: int, slot: int) -> str:
    """The `slot`-th address (1..253) of node `index`'s pod range."""
    block = _prefix_block(cfg.prefix) + (index >> 8)
    return f"10.{block}.{index & 255}.{slot + 1}"


def pod_cidr(cfg: FleetConfig, index: int) -> str:
    return f"10.{_prefix_block(cfg.prefix) + (index >> 8)}.{index & 255}.0/24"


def node_specs(cfg: FleetConfig) -> list[NodeSpec]:
    zones = max(1, cfg.zones)
    return [NodeSpec(name=node_name(cfg, i), cpu=cfg.cpu, memory=cfg.memory, pods=cfg.pods,
                     zone=f"zone-{ZONE_NAMES[(i - 1) % zones % 26]}",
                     address=host_ip(cfg, i), labels={SIMULATED_LABEL: "true"},
                     node_info={"containerRuntimeVersion": "simulated://1.0",
                                "osImage": "kubelab simulated node",
                                "kernelVersion": "simulated"},
                     pod_cidr=pod_cidr(cfg, i))
            for i in range(1, cfg.count + 1)]


def parse_failed(value: str, mine: set[str]) -> set[str]:
    names = {n.strip() for n in (value or "").split(",") if n.strip()}
    return set(mine) if "*" in names else names & mine


def failed_nodes(mine: set[str]) -> set[str]:
    """This simulator's nodes that the settings ConfigMap asks to fail."""
    try:
        cm = store.get("ConfigMap", SETTINGS_NAMESPACE, SETTINGS_NAME)
    except NotFound:
        return set()
    return parse_failed(str((cm.get("data") or {}).get(FAILED_NODES_KEY, "")), mine)
