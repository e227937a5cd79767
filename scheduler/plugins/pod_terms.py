"""Pod affinity terms (shared by InterPodAffinity): which pods a term selects, and where."""
from __future__ import annotations

from dataclasses import dataclass

from cluster.selectors import LabelSelector, SelectorError, label_selector_from_dict
from scheduler.framework import PodInfo

REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"


@dataclass(frozen=True)
class Term:
    selector: LabelSelector | None  # None (no labelSelector) selects nothing
    namespaces: frozenset[str] | None  # None means every namespace
    key: str
    weight: int = 0

    def selects(self, pod: PodInfo) -> bool:
        if self.selector is None or (self.namespaces is not None
                                     and pod.namespace not in self.namespaces):
            return False
        return self.selector.matches(pod.labels)


def _term(raw: dict, owner_namespace: str, weight: int = 0) -> Term | None:
    if not isinstance(raw, dict) or not raw.get("topologyKey"):
        return None
    try:
        selector = label_selector_from_dict(raw["labelSelector"]) \
            if raw.get("labelSelector") is not None else None
    except SelectorError:
        selector = None
    namespaces: frozenset[str] | None = frozenset(raw.get("namespaces") or []) or None
    if namespaces is None and raw.get("namespaceSelector") is None:
        namespaces = frozenset([owner_namespace])
    # A namespaceSelector is taken as "every namespace" (namespace labels are not in the
    # snapshot); the common case, {}, means exactly that.
    return Term(selector, namespaces, raw["topologyKey"], weight)


def required_terms(pod: PodInfo, kind: str) -> list[Term]:
    """kind: podAffinity or podAntiAffinity. Parsed once per PodInfo (a pod's spec does
    not change while it is in a snapshot: a changed pod gets a new PodInfo)."""
    memo = pod.terms.get((REQUIRED, kind))
    if memo is None:
        raw = (pod.affinity.get(kind) or {}).get(REQUIRED) or []
        memo = pod.terms[(REQUIRED, kind)] = [
            t for t in (_term(r, pod.namespace) for r in raw) if t is not None]
    return memo


def preferred_terms(pod: PodInfo, kind: str) -> list[Term]:
    memo = pod.terms.get((PREFERRED, kind))
    if memo is None:
        memo = pod.terms[(PREFERRED, kind)] = _preferred(pod, kind)
    return memo


def _preferred(pod: PodInfo, kind: str) -> list[Term]:
    raw = (pod.affinity.get(kind) or {}).get(PREFERRED) or []
    found = []
    for item in raw:
        if isinstance(item, dict):
            term = _term(item.get("podAffinityTerm") or {}, pod.namespace,
                         int(item.get("weight") or 0))
            if term is not None:
                found.append(term)
    return found
