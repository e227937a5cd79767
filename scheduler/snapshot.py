"""The scheduler's view of the cluster: every node with the pods bound to it.

Built once from the Node and Pod tables, then kept current from the store's watch-event
log (only Node and Pod events since the last revision seen), the way an informer
cache is: a cycle costs a query for what changed, not a re-read of 10,000 pods. A pod
the scheduler has just bound is added at once ("assumed") so the next cycle sees it
before its event arrives. Reading rows here is fine; nothing here writes.
"""
from __future__ import annotations

from cluster.objects import loads
from scheduler.framework import HOSTNAME, NodeInfo, PodInfo
from scheduler.plugins.pod_terms import required_terms

TERMINAL = ("Succeeded", "Failed")


class Snapshot:
    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}
        self.pod_node: dict[str, str] = {}  # pod key -> node name
        self.orphans: dict[str, dict[str, PodInfo]] = {}  # pods on nodes not (yet) seen
        self.anti_pods: dict[str, PodInfo] = {}  # bound pods with required anti-affinity
        self.zone_anti = 0  # how many of those have a term on a key other than hostname
        self.revision = 0
        self._names: list[str] | None = None
        # Nodes with a PreferNoSchedule taint: with none, TaintToleration scores 0
        # everywhere and need not look at each node (checked once per cycle).
        self.prefer_taint_nodes: set[str] = set()

    @property
    def node_names(self) -> list[str]:
        if self._names is None:
            self._names = sorted(self.nodes)
        return self._names

    # --- nodes ---
    def set_node(self, obj: dict) -> None:
        info = NodeInfo.from_object(obj)
        old = self.nodes.get(info.name)
        pods = old.pods.values() if old else self.orphans.pop(info.name, {}).values()
        for pod in list(pods):
            info.add_pod(pod)
        if old is None:
            self._names = None
        self.nodes[info.name] = info
        if any(t.get("effect") == "PreferNoSchedule" for t in info.taints):
            self.prefer_taint_nodes.add(info.name)
        else:
            self.prefer_taint_nodes.discard(info.name)

    def remove_node(self, name: str) -> None:
        node = self.nodes.pop(name, None)
        self.prefer_taint_nodes.discard(name)
        if node is not None:
            self.orphans[name] = dict(node.pods)
            self._names = None

    # --- pods ---
    def set_pod(self, obj: dict) -> None:
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        if not spec.get("nodeName") or status.get("phase") in TERMINAL:
            m = obj.get("metadata") or {}
            self.remove_pod(f"{m.get('namespace', '')}/{m.get('name', '')}")
            return
        self.place(PodInfo.from_object(obj))

    def place(self, pod: PodInfo) -> None:
        """Put a bound (or assumed) pod on its node."""
        self.remove_pod(pod.key)
        self.pod_node[pod.key] = pod.node_name
        node = self.nodes.get(pod.node_name)
        if node is not None:
            node.add_pod(pod)
        else:
            self.orphans.setdefault(pod.node_name, {})[pod.key] = pod
        terms = required_terms(pod, "podAntiAffinity")
        if terms:
            self.anti_pods[pod.key] = pod
            self.zone_anti += any(t.key != HOSTNAME for t in terms)

    def remove_pod(self, key: str) -> None:
        name = self.pod_node.pop(key, None)
        if name is None:
            return
        node = self.nodes.get(name)
        if node is not None:
            node.remove_pod(key)
        else:
            self.orphans.get(name, {}).pop(key, None)
        pod = self.anti_pods.pop(key, None)
        if pod is not None:
            self.zone_anti -= any(t.key != HOSTNAME
                                  for t in required_terms(pod, "podAntiAffinity"))

    def apply(self, event_type: str, kind: str, name: str, body: str) -> None:
        obj = loads(body)
        if kind == "Node":
            if event_type == "DELETED":
                self.remove_node(name)
            else:
                self.set_node(obj)
        elif event_type == "DELETED":
            m = obj.get("metadata") or {}
            self.remove_pod(f"{m.get('namespace', '')}/{m.get('name', '')}")
        else:
            self.set_pod(obj)


def build() -> Snapshot:
    """A full snapshot from the tables (the revision is read first, so events after it
    are replayed on top: a change may be applied twice, never missed)."""
    from cluster import store
    from cluster.models import Node, Pod

    snap = Snapshot()
    snap.revision = store.current_revision()
    for body in Node.objects.values_list("body", flat=True).iterator(chunk_size=2000):
        snap.set_node(loads(body))
    rows = Pod.objects.exclude(node_name="").exclude(phase__in=TERMINAL) \
        .values_list("body", flat=True)
    for body in rows.iterator(chunk_size=2000):
        snap.set_pod(loads(body))
    return snap


def refresh(snap: Snapshot | None) -> Snapshot:
    """`snap` brought up to date from the watch-event log, or rebuilt when the log no
    longer reaches back to it (compacted)."""
    from cluster.models import Revision, WatchEvent

    if snap is None:
        return build()
    compacted = Revision.objects.filter(id=1).values_list("compacted", flat=True).first()
    if compacted and snap.revision < compacted:
        return build()
    rows = (WatchEvent.objects.filter(kind__in=("Node", "Pod"), revision__gt=snap.revision)
            .order_by("revision").values_list("revision", "type", "kind", "name", "body"))
    for revision, event_type, kind, name, body in rows:
        snap.apply(event_type, kind, name, body)
        snap.revision = revision
    return snap
