"""Profiles: lists of plugins with weights, chosen by a pod's spec.schedulerName.

- `default-scheduler`: Kubernetes' default plugins and score weights.
- `borg-worst-fit`, `borg-best-fit`, `borg-hybrid`: the Borg paper (§3.2): feasibility
  (the same hard constraints) then one scoring policy: E-PVM-like spreading, packing,
  or the hybrid that minimises stranded resources; soft constraints and package
  locality also score; preemption never takes a victim from the production band.
- `borg`: whichever Borg scoring the cluster settings name (scheduler.borgScoring).

A pod asking for `default-scheduler` gets the cluster's default profile, which a
teacher switches at run time (scheduler.defaultProfile in kube-system/kubelab-settings).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from scheduler import registry
from scheduler.framework import (
    FilterPlugin,
    NormalizeScorePlugin,
    PostFilterPlugin,
    PreFilterPlugin,
    ScorePlugin,
)
from scheduler.plugins.resources_fit import LEAST, MOST
from scheduler.priorities import PRODUCTION

DEFAULT = "default-scheduler"
BORG_SCORING = {"worst-fit": "borg-worst-fit", "best-fit": "borg-best-fit",
                "hybrid": "borg-hybrid"}
NAMES = (DEFAULT, "borg", *BORG_SCORING.values())

# Filter order matters for explanations: a node reports the first filter it fails.
_FILTERS = ["NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity",
            "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity"]


@dataclass
class Profile:
    name: str
    plugins: list[Any]
    weights: dict[str, int]
    # None: kube-scheduler's adaptive percentage (50% minus 1% per 125 nodes, >= 5%).
    percentage_of_nodes_to_score: int | None = None
    pre_filters: list[Any] = field(init=False)
    filters: list[Any] = field(init=False)
    post_filters: list[Any] = field(init=False)
    scorers: list[tuple[Any, int]] = field(init=False)
    normalizing: set[str] = field(init=False)  # isinstance on a Protocol is slow: once

    def __post_init__(self) -> None:
        by_name = {p.name: p for p in self.plugins}
        self.pre_filters = [p for p in self.plugins if isinstance(p, PreFilterPlugin)]
        self.filters = [by_name[n] for n in _FILTERS
                        if n in by_name and isinstance(by_name[n], FilterPlugin)]
        self.post_filters = [p for p in self.plugins if isinstance(p, PostFilterPlugin)]
        self.scorers = [(by_name[n], w) for n, w in self.weights.items()
                        if n in by_name and isinstance(by_name[n], ScorePlugin)]
        self.normalizing = {p.name for p, _ in self.scorers if self.normalizes(p)}

    @staticmethod
    def normalizes(plugin: Any) -> bool:
        return isinstance(plugin, NormalizeScorePlugin)


def _filters(fit_strategy: str = LEAST) -> list[Any]:
    return [registry.build("NodeUnschedulable"), registry.build("NodeName"),
            registry.build("TaintToleration"), registry.build("NodeAffinity"),
            registry.build("NodeResourcesFit", strategy=fit_strategy),
            registry.build("PodTopologySpread"), registry.build("InterPodAffinity")]


def default_profile() -> Profile:
    plugins = _filters() + [registry.build("BalancedAllocation"),
                            registry.build("ImageLocality"),
                            registry.build("DefaultPreemption")]
    weights = {"TaintToleration": 3, "NodeAffinity": 2, "PodTopologySpread": 2,
               "InterPodAffinity": 2, "NodeResourcesFit": 1, "BalancedAllocation": 1,
               "ImageLocality": 1}
    return Profile(DEFAULT, plugins, weights)


def borg_profile(scoring: str) -> Profile:
    """scoring: worst-fit | best-fit | hybrid."""
    if scoring not in BORG_SCORING:
        raise ValueError(f"unknown Borg scoring {scoring!r}")
    plugins = _filters(MOST if scoring == "best-fit" else LEAST)
    plugins += [registry.build("ImageLocality"),
                registry.build("DefaultPreemption", protected_from=PRODUCTION)]
    # The scoring policy dominates; soft constraints and locality break near-ties.
    weights = {"NodeAffinity": 1, "TaintToleration": 1, "InterPodAffinity": 1,
               "PodTopologySpread": 1, "ImageLocality": 1}
    if scoring == "hybrid":
        plugins.append(registry.build("BorgHybrid"))
        weights["BorgHybrid"] = 5
    else:
        weights["NodeResourcesFit"] = 5
    return Profile(BORG_SCORING[scoring], plugins, weights)


@cache
def get(name: str) -> Profile:
    """A concrete profile by name (not `borg`, which `resolve` maps through settings)."""
    if name == DEFAULT:
        return default_profile()
    for scoring, full in BORG_SCORING.items():
        if name == full:
            return borg_profile(scoring)
    raise ValueError(f"no scheduling profile named {name!r}")


def resolve(scheduler_name: str, settings: dict[str, str]) -> Profile | None:
    """The profile for a pod's schedulerName; None when the pod is not ours."""
    name = scheduler_name or DEFAULT
    if name not in NAMES:
        return None
    if name == DEFAULT:
        name = settings.get("scheduler.defaultProfile") or DEFAULT
    if name == "borg":
        name = BORG_SCORING.get(settings.get("scheduler.borgScoring") or "hybrid",
                                "borg-hybrid")
    try:
        return get(name)
    except ValueError:
        return get(DEFAULT)  # a typo in the settings must not stop scheduling
