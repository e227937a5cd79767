"""Deployment and ReplicaSet spec validation."""

from __future__ import annotations

from typing import Any

from . import names
from .causes import (
    Cause,
    Raw,
    forbidden,
    go_quote,
    immutable,
    invalid,
    join,
    not_supported,
    required,
)
from .meta import (
    as_dict,
    as_list,
    is_int,
    selector_is_empty,
    selector_matches,
    validate_annotations,
    validate_label_selector,
    validate_labels,
)
from .pod import validate_pod_spec

STRATEGIES = ("Recreate", "RollingUpdate")


def go_selector(selector: Any) -> Raw:
    """Render a LabelSelector like Go's %#v does, which is what kube-apiserver echoes back."""
    sel = as_dict(selector)
    labels = {k: v for k, v in as_dict(sel.get("matchLabels")).items()
              if isinstance(k, str) and isinstance(v, str)}
    if labels:
        pairs = ", ".join(f"{go_quote(k)}:{go_quote(v)}" for k, v in sorted(labels.items()))
        shown_labels = "map[string]string{" + pairs + "}"
    else:
        shown_labels = "map[string]string(nil)"
    exprs = [e for e in as_list(sel.get("matchExpressions")) if isinstance(e, dict)]
    if exprs:
        items = []
        for e in exprs:
            values = ", ".join(go_quote(str(v)) for v in as_list(e.get("values")))
            items.append(f"v1.LabelSelectorRequirement{{Key:{go_quote(str(e.get('key', '')))}, "
                         f"Operator:{go_quote(str(e.get('operator', '')))}, "
                         f"Values:[]string{{{values}}}}}")
        shown_exprs = "[]v1.LabelSelectorRequirement{" + ", ".join(items) + "}"
    else:
        shown_exprs = "[]v1.LabelSelectorRequirement(nil)"
    return Raw(f"v1.LabelSelector{{MatchLabels:{shown_labels}, MatchExpressions:{shown_exprs}}}")


def _non_negative(spec: dict, field: str) -> list[Cause]:
    value = spec.get(field)
    if is_int(value) and value < 0:
        return [invalid(join("spec", field), value, "must be greater than or equal to 0")]
    return []


def _validate_template(spec: dict) -> list[Cause]:
    selector = spec.get("selector")
    template = spec.get("template")
    if template is None:
        return [required("spec.template")]
    if not isinstance(template, dict):
        return []
    causes: list[Cause] = []
    tmeta = as_dict(template.get("metadata"))
    labels = tmeta.get("labels")
    causes += validate_labels(labels, "spec.template.metadata.labels")
    causes += validate_annotations(tmeta.get("annotations"), "spec.template.metadata.annotations")
    if isinstance(selector, dict) and not selector_is_empty(selector):
        if not selector_matches(selector, labels):
            shown = labels if isinstance(labels, dict) else {}
            causes.append(invalid("spec.template.metadata.labels", shown,
                                  "`selector` does not match template `labels`"))
    pod_spec = template.get("spec")
    causes += validate_pod_spec(pod_spec, "spec.template.spec")
    pod_spec = as_dict(pod_spec)
    restart = pod_spec.get("restartPolicy")
    if isinstance(restart, str) and restart != "Always":
        causes.append(not_supported("spec.template.spec.restartPolicy", restart, ("Always",)))
    if pod_spec.get("activeDeadlineSeconds") is not None:
        causes.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                                "activeDeadlineSeconds in ReplicaSet is not Supported"))
    return causes


def _validate_common(spec: dict) -> list[Cause]:
    causes = _non_negative(spec, "replicas") + _non_negative(spec, "minReadySeconds")
    selector = spec.get("selector")
    if selector is None:
        causes.append(required("spec.selector"))
    elif isinstance(selector, dict):
        if selector_is_empty(selector):
            causes.append(invalid("spec.selector", go_selector(selector),
                                  "empty selector is invalid for deployment"))
        causes += validate_label_selector(selector, "spec.selector")
    return causes + _validate_template(spec)


def _int_or_percent(value: Any, path: str) -> tuple[list[Cause], int | None]:
    """Validate maxSurge/maxUnavailable; also return its size (int or percent) for later."""
    if is_int(value):
        if value < 0:
            return [invalid(path, value, "must be greater than or equal to 0")], value
        return [], value
    if isinstance(value, str):
        errs = names.percent(value)
        if errs:
            return [invalid(path, value, m) for m in errs], None
        return [], int(value[:-1]) if len(value) < 20 else None
    return [], None


def _validate_strategy(spec: dict) -> list[Cause]:
    strategy = spec.get("strategy")
    if not isinstance(strategy, dict):
        return []
    causes: list[Cause] = []
    stype = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    if isinstance(stype, str) and stype not in STRATEGIES:
        causes.append(not_supported("spec.strategy.type", stype, STRATEGIES))
    if stype == "Recreate" and rolling is not None:
        causes.append(forbidden("spec.strategy.rollingUpdate",
                                "may not be specified when strategy `type` is 'Recreate'"))
    if not isinstance(rolling, dict):
        return causes
    path = "spec.strategy.rollingUpdate"
    surge_errs, surge = _int_or_percent(rolling.get("maxSurge"), join(path, "maxSurge"))
    unav_errs, unav = _int_or_percent(rolling.get("maxUnavailable"), join(path, "maxUnavailable"))
    causes += surge_errs + unav_errs
    unav_value = rolling.get("maxUnavailable")
    if isinstance(unav_value, str) and unav is not None and unav > 100:
        causes.append(invalid(join(path, "maxUnavailable"), unav_value,
                              "must not be greater than 100%"))
    if surge == 0 and unav == 0:
        causes.append(invalid(join(path, "maxUnavailable"), unav_value,
                              "may not be 0 when `maxSurge` is 0"))
    return causes


def validate_deployment(obj: dict) -> list[Cause]:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return [required("spec")] if spec is None else []
    causes = _validate_common(spec) + _validate_strategy(spec)
    causes += _non_negative(spec, "revisionHistoryLimit")
    causes += _non_negative(spec, "progressDeadlineSeconds")
    deadline, min_ready = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds")
    if is_int(deadline) and deadline >= 0:
        if deadline <= (min_ready if is_int(min_ready) else 0):
            causes.append(invalid("spec.progressDeadlineSeconds", deadline,
                                  "must be greater than minReadySeconds"))
    return causes


def validate_replicaset(obj: dict) -> list[Cause]:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return [required("spec")] if spec is None else []
    return _validate_common(spec)


def validate_selector_update(new: dict, old: dict) -> list[Cause]:
    """apps/v1 selectors are immutable once created."""
    new_sel = as_dict(new.get("spec")).get("selector")
    old_sel = as_dict(old.get("spec")).get("selector")
    if isinstance(old_sel, dict) and isinstance(new_sel, dict) and new_sel != old_sel:
        return [immutable("spec.selector", go_selector(new_sel))]
    return []
