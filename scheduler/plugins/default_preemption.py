"""DefaultPreemption (PostFilter): when no node fits, find the node where evicting the
fewest, lowest-priority pods makes room. Never a victim of equal or higher priority;
with `protected_from` set (the Borg profile), never a victim in the production band
(Borg: no preemption inside prod). Pods already terminating count as leaving: if they
alone make room, the pod just waits for them (no new victims)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.framework import Code, CycleState, NodeInfo, PodInfo, Status


@dataclass
class Preemption:
    node: str = ""
    victims: list[PodInfo] = field(default_factory=list)
    why: str = ""  # for the explanation

    @property
    def found(self) -> bool:
        return bool(self.node)


FilterFn = Callable[[PodInfo, NodeInfo], Status]


def select_victims(pod: PodInfo, node: NodeInfo, fits: FilterFn,
                   protected_from: int | None) -> list[PodInfo] | None:
    """The fewest pods to evict from `node` for `pod` to fit, or None if it cannot."""
    leaving = {k for k, p in node.pods.items() if p.deleting}
    candidates = [p for k, p in node.pods.items() if k not in leaving
                  and p.priority < pod.priority
                  and (protected_from is None or p.priority < protected_from)]
    trial = node.without(leaving | {p.key for p in candidates})
    if not fits(pod, trial).ok:
        return None
    victims = []
    # Give back the most important pods first; whoever no longer fits is a victim.
    for p in sorted(candidates, key=lambda p: (-p.priority, p.created, p.key)):
        trial.add_pod(p)
        if not fits(pod, trial).ok:
            trial.remove_pod(p.key)
            victims.append(p)
    return victims


class DefaultPreemption:
    name = "DefaultPreemption"

    def __init__(self, protected_from: int | None = None) -> None:
        self.protected_from = protected_from

    def post_filter(self, state: CycleState, pod: PodInfo, snapshot,
                    verdicts: dict[str, Status], filter_fn: FilterFn) -> Preemption:
        if pod.spec.get("preemptionPolicy") == "Never":
            return Preemption(why="preemptionPolicy is Never")
        if self.protected_from is not None and pod.priority >= self.protected_from:
            limit = f"victims must be below the production band ({self.protected_from})"
        else:
            limit = f"victims must have priority below {pod.priority}"
        best: tuple | None = None
        for name, status in verdicts.items():
            if status.code != Code.UNSCHEDULABLE:
                continue  # unresolvable: evicting pods cannot help there
            node = snapshot.nodes[name]
            victims = select_victims(pod, node, filter_fn, self.protected_from)
            if victims is None:
                continue
            rank = (max((v.priority for v in victims), default=-(2 ** 62)), len(victims),
                    sum(v.priority for v in victims), name)
            if best is None or rank < best[0]:
                best = (rank, name, victims)
        if best is None:
            return Preemption(why=f"no node has room even after preemption; {limit}")
        _, name, victims = best
        return Preemption(name, victims, f"fewest, lowest-priority victims on {name}; {limit}")
