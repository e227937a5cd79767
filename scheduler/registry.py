"""Plugin names -> factories: profiles name plugins, the registry builds them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scheduler.plugins.balanced_allocation import BalancedAllocation
from scheduler.plugins.borg_hybrid import BorgHybrid
from scheduler.plugins.default_preemption import DefaultPreemption
from scheduler.plugins.image_locality import ImageLocality
from scheduler.plugins.inter_pod_affinity import InterPodAffinity
from scheduler.plugins.node_affinity import NodeAffinity
from scheduler.plugins.node_name import NodeName
from scheduler.plugins.node_unschedulable import NodeUnschedulable
from scheduler.plugins.pod_topology_spread import PodTopologySpread
from scheduler.plugins.resources_fit import NodeResourcesFit
from scheduler.plugins.taint_toleration import TaintToleration

REGISTRY: dict[str, Callable[..., Any]] = {
    "NodeName": NodeName,
    "NodeUnschedulable": NodeUnschedulable,
    "NodeResourcesFit": NodeResourcesFit,
    "BalancedAllocation": BalancedAllocation,
    "BorgHybrid": BorgHybrid,
    "NodeAffinity": NodeAffinity,
    "TaintToleration": TaintToleration,
    "InterPodAffinity": InterPodAffinity,
    "PodTopologySpread": PodTopologySpread,
    "ImageLocality": ImageLocality,
    "DefaultPreemption": DefaultPreemption,
}


def build(name: str, **args: Any) -> Any:
    try:
        factory = REGISTRY[name]
    except KeyError:
        raise ValueError(f"no scheduling plugin named {name!r}") from None
    return factory(**args)
