"""The decision record stored on the pod as `scheduler.kubelab.io/decision` and shown by
the dashboard: per-node filter verdicts, per-plugin raw, normalised and weighted scores
(one column per entry of "plugins", whose weights are in "weights"),
the chosen node, how many nodes were examined and why, and the cycle's duration. On a
cluster larger than `top` nodes only the `top` best nodes are listed, with counts of
nodes per rejection reason."""
from __future__ import annotations

from collections import Counter
from operator import attrgetter

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


def _rejections(verdicts: dict[str, Status]) -> Counter:
    """Nodes per rejection reason, most common first (ties in order of appearance). Most
    rejected nodes share a few reason tuples, so those are counted (in C) and then spread
    over their reasons, rather than walking every node's reasons in Python."""
    per_tuple = Counter(map(attrgetter("reasons"), verdicts.values()))
    counts: Counter = Counter()
    for reasons, n in per_tuple.items():
        for reason in reasons:
            counts[reason] += n
    return counts


def _rows(columns: list[list], nodes: list[str]) -> list[list]:
    """Columns (one per plugin) as rows (one per node); with no plugins, empty rows."""
    if not columns:
        return [[] for _ in nodes]
    return list(map(list, zip(*columns, strict=True)))


def decision(result, verdicts: dict[str, Status], feasible: list[str],
             totals: dict[str, int], raw: dict, normalized: dict, weights: dict,
             how: dict, top: int) -> dict:
    pod = result.pod
    rejections = _rejections(verdicts)
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
    weighted_cols = [[w * v for v in c] for w, c in zip(factors, norm_cols, strict=True)]
    # Columns turned into one row per node by zip (in C) rather than indexed cell by cell.
    scores = [{"node": n, "total": totals.get(n, 0), "raw": r, "normalized": z,
               "weighted": w}
              for n, r, z, w in zip(ranked, _rows(raw_cols, ranked),
                                    _rows(norm_cols, ranked), _rows(weighted_cols, ranked),
                                    strict=True)]
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
        # Names only are sorted (verdicts arrive as two sorted runs, from the rotation's
        # offset: timsort merges them), not (name, Status) pairs.
        out["filters"] = {n: {"passed": False, "plugin": verdicts[n].plugin,
                              "reasons": list(verdicts[n].reasons)}
                          for n in sorted(verdicts)[:top]}
        out["filtersShown"] = min(top, len(verdicts))
    if result.message:
        out["message"] = result.message
    if result.preemption is not None:
        p = result.preemption
        out["preemption"] = {"node": p.node or None, "why": p.why,
                             "victims": [{"pod": v.key, "priority": v.priority}
                                         for v in p.victims]}
    return out
