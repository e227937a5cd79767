"""Equivalence classes and score caching (Borg §3.4): pods whose scheduling-relevant
spec is identical (replicas of one template) get the same filter verdict and raw
scores on a node, so these are cached per class and node, and reused while the node's
generation (bumped on every change to it or its pods) is unchanged."""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

from scheduler.framework import PodInfo

_SPEC_FIELDS = ("nodeSelector", "affinity", "tolerations", "topologySpreadConstraints",
                "nodeName", "priority", "preemptionPolicy", "overhead")


def class_key(pod: PodInfo, profile: str) -> str:
    spec = pod.spec
    shape = {
        "profile": profile, "namespace": pod.namespace, "labels": pod.labels,
        "requests": [pod.requests.cpu, pod.requests.memory, pod.nonzero.cpu,
                     pod.nonzero.memory],
        "images": [c.get("image") for c in spec.get("containers") or []],
        **{f: spec.get(f) for f in _SPEC_FIELDS if spec.get(f) is not None},
    }
    text = json.dumps(shape, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


class EquivalenceCache:
    """class key -> node name -> [node generation, Status, raw scores or None]."""

    def __init__(self, max_classes: int = 256) -> None:
        self.max_classes = max_classes
        self._classes: OrderedDict[str, dict[str, list]] = OrderedDict()

    def entries(self, key: str) -> dict[str, list]:
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = {}
            while len(self._classes) > self.max_classes:
                self._classes.popitem(last=False)
        else:
            self._classes.move_to_end(key)
        return found

    def clear(self) -> None:
        self._classes.clear()
