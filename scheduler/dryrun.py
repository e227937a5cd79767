"""'Where would this pod go under profile X?' — a scheduling cycle without Reserve or
Bind, against a fresh snapshot, for the dashboard's profile comparison."""
from __future__ import annotations

import copy
import random

from scheduler import cycle, profiles
from scheduler import settings as cfg
from scheduler.framework import PodInfo
from scheduler.priorities import priority_of
from scheduler.snapshot import build


def explain(pod: dict, profile: str, *, snapshot=None, seed: int | None = 0,
            settings: dict[str, str] | None = None) -> dict:
    """The decision dict (as the annotation would hold it) for `pod` under `profile`
    (a profile name, or `borg` / `default-scheduler` as the cluster settings resolve
    them; pass `settings={}` to mean the named profile itself). Nothing is written.
    A fixed seed makes the node order repeatable."""
    chosen = profiles.resolve(profile, cfg.cluster_settings() if settings is None
                              else settings)
    if chosen is None:
        raise ValueError(f"no scheduling profile named {profile!r}")
    pod = copy.deepcopy(pod)
    spec = pod.setdefault("spec", {})
    if spec.get("priority") is None:
        spec["priority"] = priority_of(pod)
    spec.pop("nodeName", None)
    snap = snapshot if snapshot is not None else build()
    info = PodInfo.from_object(pod)
    snap.remove_pod(info.key)  # an already-bound pod is asked about as if new
    result = cycle.schedule(info, snap, chosen, rng=random.Random(seed), explain=True,
                            percentage=cfg.PERCENTAGE_OF_NODES_TO_SCORE,
                            top=cfg.EXPLAIN_TOP_NODES)
    return {**result.decision, "dryRun": True}
