"""The scheduling framework's vocabulary: statuses, cycle state, the node snapshot's
per-node view, a pod's scheduling-relevant view, and one protocol per extension point.

Plugins are plain objects with a `name` and the methods of the extension points they
implement; a profile lists them with weights (scheduler/profiles.py). Everything here
is pure: no database, no Redis, so plugins are tested as functions of pod + node.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from kubernetes.utils import parse_quantity

MAX_SCORE = 100
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
# Scoring counts a pod that requests nothing as if it asked for this much, as
# kube-scheduler does, so best-effort pods still spread instead of piling up.
DEFAULT_CPU_MILLIS = 100
DEFAULT_MEMORY = 200 * 1024 * 1024


class Code(IntEnum):
    SUCCESS = 0
    UNSCHEDULABLE = 1  # preemption might help
    UNRESOLVABLE = 2  # UnschedulableAndUnresolvable: preemption cannot help
    ERROR = 3
    SKIP = 4  # the plugin has nothing to say about this pod


@dataclass(frozen=True, slots=True)
class Status:
    code: Code = Code.SUCCESS
    reasons: tuple[str, ...] = ()
    plugin: str = ""

    @property
    def ok(self) -> bool:
        return self.code in (Code.SUCCESS, Code.SKIP)

    def by(self, plugin: str) -> Status:
        return Status(self.code, self.reasons, plugin)


SUCCESS = Status()
SKIP = Status(Code.SKIP)


def unschedulable(*reasons: str) -> Status:
    return Status(Code.UNSCHEDULABLE, reasons)


def unresolvable(*reasons: str) -> Status:
    return Status(Code.UNRESOLVABLE, reasons)


@lru_cache(maxsize=4096)
def cpu_millis(text: str) -> int:
    return int(parse_quantity(str(text)) * 1000)


@lru_cache(maxsize=4096)
def quantity(text: str) -> int:
    return int(parse_quantity(str(text)))


@dataclass(slots=True)
class Resources:
    cpu: int = 0  # millicores
    memory: int = 0  # bytes
    pods: int = 0

    def add(self, other: Resources, sign: int = 1) -> None:
        self.cpu += sign * other.cpu
        self.memory += sign * other.memory
        self.pods += sign * other.pods

    def copy(self) -> Resources:
        return Resources(self.cpu, self.memory, self.pods)

    @classmethod
    def from_map(cls, values: dict | None, pods_default: int = 0) -> Resources:
        values = values or {}
        return cls(cpu_millis(values["cpu"]) if "cpu" in values else 0,
                   quantity(values["memory"]) if "memory" in values else 0,
                   quantity(values["pods"]) if "pods" in values else pods_default)


def pod_requests(spec: dict) -> tuple[Resources, Resources]:
    """(requests, requests as scoring sees them): containers summed, init containers as
    a max (they run one at a time, before the others), plus overhead."""
    total, nonzero = Resources(pods=1), Resources(pods=1)
    for c in spec.get("containers") or []:
        req = Resources.from_map((c.get("resources") or {}).get("requests"))
        total.add(req)
        nonzero.cpu += req.cpu or DEFAULT_CPU_MILLIS
        nonzero.memory += req.memory or DEFAULT_MEMORY
    for c in spec.get("initContainers") or []:
        req = Resources.from_map((c.get("resources") or {}).get("requests"))
        total.cpu, total.memory = max(total.cpu, req.cpu), max(total.memory, req.memory)
    overhead = Resources.from_map(spec.get("overhead"))
    total.add(overhead)
    nonzero.add(overhead)
    return total, nonzero


@dataclass(slots=True)
class PodInfo:
    """What scheduling needs of a pod, parsed once from its body."""

    namespace: str
    name: str
    uid: str
    labels: dict
    priority: int
    requests: Resources
    nonzero: Resources
    spec: dict
    node_name: str = ""
    created: str = ""
    deleting: bool = False
    # Parsed affinity terms, memoised by pod_terms: an existing pod's anti-affinity is
    # read in every later pod's cycle, and parsing its selectors each time was 2 ms/pod.
    terms: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def affinity(self) -> dict:
        return self.spec.get("affinity") or {}

    @property
    def tolerations(self) -> list:
        return self.spec.get("tolerations") or []

    @classmethod
    def from_object(cls, pod: dict) -> PodInfo:
        m, spec = pod.get("metadata") or {}, pod.get("spec") or {}
        req, nonzero = pod_requests(spec)
        return cls(m.get("namespace", ""), m.get("name", ""), m.get("uid", ""),
                   m.get("labels") or {}, int(spec.get("priority") or 0), req, nonzero, spec,
                   spec.get("nodeName") or "", m.get("creationTimestamp", ""),
                   bool(m.get("deletionTimestamp")))


_generations = itertools.count(1)


@dataclass(slots=True)
class NodeInfo:
    """One node in a cycle's snapshot: its capacity, what is already on it, its labels
    and taints. `generation` changes on every change, which is what score caching keys on."""

    name: str
    labels: dict = field(default_factory=dict)
    taints: list = field(default_factory=list)
    unschedulable: bool = False
    allocatable: Resources = field(default_factory=Resources)
    requested: Resources = field(default_factory=Resources)
    nonzero_requested: Resources = field(default_factory=Resources)
    pods: dict[str, PodInfo] = field(default_factory=dict)
    images: dict[str, int] = field(default_factory=dict)  # image name -> size in bytes
    generation: int = 0

    def __post_init__(self) -> None:
        self.touch()

    def touch(self) -> None:
        self.generation = next(_generations)

    def add_pod(self, pod: PodInfo) -> None:
        if pod.key in self.pods:
            self.remove_pod(pod.key)
        self.pods[pod.key] = pod
        self.requested.add(pod.requests)
        self.nonzero_requested.add(pod.nonzero)
        self.touch()

    def remove_pod(self, key: str) -> PodInfo | None:
        pod = self.pods.pop(key, None)
        if pod is not None:
            self.requested.add(pod.requests, -1)
            self.nonzero_requested.add(pod.nonzero, -1)
            self.touch()
        return pod

    def without(self, keys: set[str]) -> NodeInfo:
        """A copy with some pods removed (what preemption tries)."""
        clone = NodeInfo(self.name, self.labels, self.taints, self.unschedulable,
                         self.allocatable, self.requested.copy(),
                         self.nonzero_requested.copy(), dict(self.pods), self.images)
        for key in keys:
            clone.remove_pod(key)
        return clone

    @classmethod
    def from_object(cls, node: dict) -> NodeInfo:
        m, spec, status = node.get("metadata") or {}, node.get("spec") or {}, \
            node.get("status") or {}
        images: dict[str, int] = {}
        for image in status.get("images") or []:
            for name in image.get("names") or []:
                images[name] = int(image.get("sizeBytes") or 0)
        labels = dict(m.get("labels") or {})
        labels.setdefault(HOSTNAME, m.get("name", ""))
        alloc = status.get("allocatable") or status.get("capacity") or {}
        return cls(m.get("name", ""), labels, list(spec.get("taints") or []),
                   bool(spec.get("unschedulable")), Resources.from_map(alloc, 110),
                   images=images)


class CycleState(dict):
    """Per-cycle scratch space: PreFilter/PreScore results, keyed by plugin name."""


@runtime_checkable
class PreFilterPlugin(Protocol):
    name: str

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Any) -> Status: ...


@runtime_checkable
class FilterPlugin(Protocol):
    name: str

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status: ...


@runtime_checkable
class PostFilterPlugin(Protocol):
    name: str

    def post_filter(self, state: CycleState, pod: PodInfo, snapshot: Any,
                    verdicts: dict[str, Status], filter_fn: Any) -> Any: ...


@runtime_checkable
class PreScorePlugin(Protocol):
    name: str

    def pre_score(self, state: CycleState, pod: PodInfo, snapshot: Any) -> Status: ...


@runtime_checkable
class ScorePlugin(Protocol):
    name: str

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int: ...


@runtime_checkable
class NormalizeScorePlugin(Protocol):
    name: str

    def normalize(self, state: CycleState, pod: PodInfo, scores: dict[str, int]) -> None: ...


@runtime_checkable
class ReservePlugin(Protocol):
    name: str

    def reserve(self, state: CycleState, pod: PodInfo, node: str) -> Status: ...


@runtime_checkable
class BindPlugin(Protocol):
    name: str

    def bind(self, state: CycleState, pod: PodInfo, node: str) -> Status: ...


def node_local(plugin: object, state: CycleState, pod: PodInfo, snapshot: Any) -> bool:
    """Whether a plugin's verdict for (pod, node) depends on that node alone; only then
    may a verdict be cached per node (equivalence classes). Plugins that look across
    nodes say when they do by defining `node_local`."""
    check = getattr(plugin, "node_local", None)
    return True if check is None else bool(check(state, pod, snapshot))


def normalize_to_max(scores: dict[str, int], reverse: bool = False) -> None:
    """Scale to 0..MAX_SCORE by the highest score; `reverse` makes low raw scores best."""
    top = max(scores.values(), default=0)
    for node, value in scores.items():
        scaled = MAX_SCORE * value // top if top > 0 else 0
        scores[node] = MAX_SCORE - scaled if reverse else (scaled if top > 0 else 0)
