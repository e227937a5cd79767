"""Does a toleration tolerate a taint (shared by TaintToleration and NodeUnschedulable)."""
from __future__ import annotations


def tolerates(toleration: dict, taint: dict) -> bool:
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    operator = toleration.get("operator") or "Equal"
    if not key:  # an empty key with Exists tolerates every taint
        return operator == "Exists"
    if key != taint.get("key"):
        return False
    if operator == "Exists":
        return True
    return (toleration.get("value") or "") == (taint.get("value") or "")


def tolerated(tolerations: list, taint: dict) -> bool:
    return any(tolerates(t, taint) for t in tolerations if isinstance(t, dict))
