"""What the editor's buttons do with the store: validate (dry run), diff, apply, delete, open.

Every write goes through cluster.store — create, or mutate with a 3-way merge — so the
dry run and the real apply pass the same admission, defaulting and validation as a
request to the API, and the user's token is checked with the API's own authorize().
A dry run makes the same writes inside one transaction that is then rolled back: nothing
is kept, recorded or published.
"""
from __future__ import annotations

import difflib
from typing import Any

import yaml
from django.db import transaction

from cluster import auth, priority, store
from cluster.errors import ApiError, Forbidden, NotFound
from cluster.resources import BY_KIND
from dashboard import editor_merge
from dashboard.editor_plan import Plan, Target, plan

MAX_DOCUMENTS = 50  # one request stays short; a lesson's manifest has a handful


def _planned(principal: auth.Principal, text: str, namespace: str, borg: bool) -> Plan:
    result = plan(principal, text, namespace, borg)
    if len(result.targets) > MAX_DOCUMENTS:
        result.error_at(result.targets[MAX_DOCUMENTS].doc, "",
                        f"at most {MAX_DOCUMENTS} objects at a time")
        del result.targets[MAX_DOCUMENTS:]
    return result


def _run(target: Target, principal: auth.Principal) -> tuple[str, dict]:
    """Apply one target; (outcome, object as the store has it)."""
    seen: dict[str, dict] = {}
    sent = editor_merge.with_last_applied(target.manifest)

    def change(live: dict) -> dict:
        seen["live"] = live
        return editor_merge.three_way(target.kind, editor_merge.last_applied_of(live), sent,
                                      live)

    def create_missing() -> dict:
        auth.authorize(principal, "create", target.res, target.namespace, target.name)
        return sent
    # As the API authorizes an apply: a patch, and a create where the object is missing.
    auth.authorize(principal, "patch", target.res, target.namespace, target.name)
    result = store.mutate(target.kind, target.namespace, target.name, change,
                          create_missing=create_missing)
    return editor_merge.outcome(seen.get("live"), result), result


def _each(result: Plan, principal: auth.Principal, *, dry_run: bool) -> list[dict]:
    """Run every target; errors are placed at their lines, outcomes returned.

    A dry run writes for real inside one transaction and rolls it all back at the end, so
    a later document sees the earlier ones (a Pod naming the PriorityClass or Namespace
    defined above it), as it will when the documents are applied in order.
    """
    if dry_run:
        with transaction.atomic():
            outcomes = _each(result, principal, dry_run=False)
            transaction.set_rollback(True)  # nothing is kept, no event is published
        _forget_rolled_back(result)
        return outcomes
    outcomes = []
    for target in result.targets:
        try:
            with transaction.atomic():  # a failed document leaves the others' writes alone
                outcome, obj = _run(target, principal)
        except ApiError as err:
            _place(result, target, err)
            continue
        outcomes.append({**target.describe(), "outcome": outcome, "object": obj})
    return outcomes


def _forget_rolled_back(result: Plan) -> None:
    """Pod admission caches PriorityClasses by (newest resourceVersion, count); a class
    created in a rolled-back dry run may have been cached under a version a later real
    write will reuse, so the cache is dropped after any dry run that touched one."""
    if any(t.kind == "PriorityClass" for t in result.targets):
        priority.forget_cache()


def _place(result: Plan, target: Target, err: ApiError) -> None:
    causes = [c for c in err.causes if isinstance(c, dict)]
    if not causes:
        # Forbidden and a missing namespace are about where the object goes.
        where = "metadata.namespace" if err.kind == "namespaces" or isinstance(err, Forbidden) \
            else ""
        result.target_error(target, where, err.message)
        return
    for cause in causes:
        field_path = str(cause.get("field") or "")
        message = str(cause.get("message") or err.message)
        result.target_error(target, field_path,
                            f"{field_path}: {message}" if field_path else message)


def _response(result: Plan, **extra: Any) -> dict:
    return {"documents": [t.describe() for t in result.targets], "errors": result.errors,
            "translations": result.translations, **extra}


def check(principal: auth.Principal, text: str, namespace: str = "",
          borg: bool = False) -> dict:
    """Validation as the user types: every document dry-run applied."""
    result = _planned(principal, text, namespace, borg)
    outcomes = _each(result, principal, dry_run=True)
    return _response(result, outcomes=[_brief(o) for o in outcomes])


def apply(principal: auth.Principal, text: str, namespace: str = "",
          borg: bool = False) -> dict:
    """`kubectl apply`: nothing is written unless every document passes its dry run."""
    result = _planned(principal, text, namespace, borg)
    _each(result, principal, dry_run=True)
    if result.errors or not result.targets:
        if not result.targets and not result.errors:
            result.error_at(None, "", "there is nothing to apply: the editor is empty")
        return _response(result, applied=False, results=[])
    outcomes = _each(result, principal, dry_run=False)
    return _response(result, applied=True, results=[_brief(o) for o in outcomes])


def _brief(outcome: dict) -> dict:
    return {k: v for k, v in outcome.items() if k != "object"}


def diff(principal: auth.Principal, text: str, namespace: str = "",
         borg: bool = False) -> dict:
    """A unified diff per object: the live object against what applying would make it."""
    result = _planned(principal, text, namespace, borg)
    diffs = []
    with transaction.atomic():  # a dry run of the whole text, as in check()
        for target in result.targets:
            try:
                with transaction.atomic():
                    live = _live(target)
                    outcome, after = _run(target, principal)
            except ApiError as err:
                _place(result, target, err)
                continue
            diffs.append({**target.describe(), "outcome": outcome,
                          "diff": unified(live, after, target)})
        transaction.set_rollback(True)
    _forget_rolled_back(result)
    return _response(result, diffs=diffs)


def _live(target: Target) -> dict | None:
    try:
        return store.get(target.kind, target.namespace, target.name)
    except NotFound:
        return None


def _yaml_lines(obj: dict | None) -> list[str]:
    if obj is None:
        return []
    text = yaml.safe_dump(editor_merge.for_editing(obj), sort_keys=False,
                          default_flow_style=False)
    return text.splitlines(keepends=True)


def unified(live: dict | None, after: dict, target: Target) -> str:
    what = f"{target.kind}/{target.name}"
    lines = difflib.unified_diff(_yaml_lines(live), _yaml_lines(after),
                                 fromfile=f"live {what}" if live else "(does not exist)",
                                 tofile=f"after apply {what}", n=3)
    return "".join(lines)


def delete(principal: auth.Principal, text: str, namespace: str = "",
           borg: bool = False) -> dict:
    """Delete every object the editor names (their pods follow, as with kubectl delete)."""
    result = _planned(principal, text, namespace, borg)
    results = []
    for target in result.targets:
        try:
            auth.authorize(principal, "delete", target.res, target.namespace, target.name)
            _obj, gone = store.delete(target.kind, target.namespace, target.name,
                                      propagation="Background")
            outcome = "deleted" if gone else "deleting"
        except NotFound:
            outcome = "not found"
        except ApiError as err:
            _place(result, target, err)
            continue
        results.append({**target.describe(), "outcome": outcome})
    if results:
        _sweep_soon()
    return _response(result, results=results)


def _sweep_soon() -> None:
    # As the API's delete does: finish cascades now rather than at the next periodic sweep.
    from cluster.tasks import sweep_deletions
    transaction.on_commit(lambda: sweep_deletions.apply_async(ignore_result=True))


def live_manifest(principal: auth.Principal, kind: str, namespace: str, name: str) -> dict:
    """A live object as YAML to edit (what ?kind=&namespace=&name= opens)."""
    res = BY_KIND.get(kind)
    if res is None:
        raise NotFound(f'kubelab does not serve the kind "{kind}"')
    namespace = namespace if res.namespaced else ""
    auth.authorize(principal, "get", res, namespace, name)
    obj = editor_merge.for_editing(store.get(kind, namespace, name))
    obj.setdefault("apiVersion", res.api_version)
    obj.setdefault("kind", kind)
    ordered = {k: obj[k] for k in ("apiVersion", "kind", "metadata") if k in obj}
    ordered.update({k: v for k, v in obj.items() if k not in ordered})
    return {"kind": kind, "namespace": namespace, "name": name,
            "yaml": yaml.safe_dump(ordered, sort_keys=False, default_flow_style=False)}
