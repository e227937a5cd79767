"""The decision record stored on the pod as `scheduler.kubelab.io/decision` and shown by
the dashboard: per-node filter verdicts, per-plugin raw, normalised and weighted scores
(one column per entry of "plugins", whose weights are in "weights"),
the chosen node, how many nodes were examined and why, and the cycle's duration. On a
cluster larger than `top` nodes only the `top` best nodes are listed, with counts of
nodes per rejection reason."""
from __future__ import annotations

from collections import Counter

from scheduler.framework import Status

ANNOTATION = "scheduler.kubelab.io/decision"


def _pick(table, nodes: list[str]) -> list:
    """One plugin's values for `nodes` (0 where it has none): the scheduler's column
    tables answer in one call (`pick`), a plain dict node by node."""
    pick = getattr(table, "pick", None)
    return pick(nodes) if pick is not None else [table.get(n, 0) for n in nodes]


def _examined(how: dict) -> str:
    total, examined = how.get("total", 0), how.get("examined", 0)
    if examined >= total:
        return f"all {total} nodes were examined"
    return (f"relaxed randomisation: examined {examined} of {total} nodes, in order from a "
            f"random node (offset {how.get('startOffset')}), stopping once "
            f"{how.get('wanted')} feasible nodes were found (percentageOfNodesToScore)")


def decision(result, verdicts: dict[str, Status], feasible: list[str],
             totals: dict[str, int], raw: dict, normalized: dict, weights: dict,
             how: dict, top: int) -> dict:
    pod = result.pod
    rejections = Counter(r for s in verdicts.values() for r in s.reasons)
    # Highest total first, ties by name: two C-level sorts (the second is stable).
    ranked = sorted(sorted(feasible), key=totals.__getitem__, reverse=True)[:top]
    # Columns, in the order of "plugins" and "weights": spelling each plugin's name and
    # weight out for every node made the record three times larger, and every watcher of
    # pods (controllers, nodes, dashboards) parses it on each change of the pod.
    names = list(weights)
    # Whole columns for the ranked nodes, read by index: asking each plugin's table for
    # each node was most of the record's cost.
    raw_cols = [_pick(raw[p], ranked) for p in names]
    norm_cols = [_pick(normalized[p], ranked) for p in names]
    factors = [weights[p] for p in names]
    scores = [{"node": n, "total": totals.get(n, 0), "raw": [c[i] for c in raw_cols],
               "normalized": [c[i] for c in norm_cols],
               "weighted": [w * c[i] for w, c in zip(factors, norm_cols, strict=True)]}
              for i, n in enumerate(ranked)]
    out = {
        "profile": result.profile,
        "pod": pod.key,
        "priority": pod.priority,
        "node": result.node,
        "durationMs": round(result.duration * 1000, 3),
        "nodes": how,
        "examined": _examined(how),
        "equivalenceClass": (
            {"key": how["equivalenceClass"], "cacheHits": how.get("cacheHits", 0),
             "note": "verdicts and raw scores reused for nodes unchanged since another pod "
                     "of this class was scheduled"}
            if how.get("equivalenceClass") else None),
        "rejections": dict(rejections.most_common()),
        "plugins": names,
        "weights": factors,
        "scores": scores,
    }
    if how.get("total", 0) <= top:
        out["filters"] = {n: {"passed": n not in verdicts,
                              **({"plugin": verdicts[n].plugin,
                                  "reasons": list(verdicts[n].reasons)}
                                 if n in verdicts else {})}
                          for n in sorted(set(verdicts) | set(feasible))}
    else:
        out["filters"] = {n: {"passed": False, "plugin": s.plugin, "reasons": list(s.reasons)}
                          for n, s in sorted(verdicts.items())[:top]}
        out["filtersShown"] = min(top, len(verdicts))
    if result.message:
        out["message"] = result.message
    if result.preemption is not None:
        p = result.preemption
        out["preemption"] = {"node": p.node or None, "why": p.why,
                             "victims": [{"pod": v.key, "priority": v.priority}
                                         for v in p.victims]}
    return out
