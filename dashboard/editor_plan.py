"""From the editor's text to the objects it names, before anything touches the store.

Each YAML document becomes a Target (kind, namespace, name, the manifest to send) or
errors placed at lines: syntax errors, a kind kubelab does not serve, a missing name,
unknown fields (the API's fieldValidation=Strict check, the same function). In Borg
words a `job:` document is first translated into a Deployment.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import yaml

from cluster import validation
from cluster.auth import Principal
from cluster.resources import BY_KIND, Resource
from dashboard import editor_borg
from dashboard.editor_yaml import Doc, locate, parse_documents


@dataclass
class Target:
    doc: Doc
    res: Resource
    namespace: str
    name: str
    manifest: dict  # what is sent (a translated Deployment for a Borg job)
    job: dict | None = None  # the Borg job it came from

    @property
    def kind(self) -> str:
        return self.res.kind

    def describe(self) -> dict:
        return {"doc": self.doc.index, "line": self.doc.line, "kind": self.kind,
                "namespace": self.namespace, "name": self.name,
                "borgJob": self.job is not None}


@dataclass
class Plan:
    targets: list[Target] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    translations: list[dict] = field(default_factory=list)  # Borg job → Deployment YAML

    def error_at(self, doc: Doc | None, path: str, message: str, field_path: str = "") -> None:
        """Record an error at the line of `path` in `doc` (the document start if absent)."""
        line, column = (locate(doc.node, path)[:2]) if doc is not None else (1, 1)
        self.errors.append({"doc": doc.index if doc is not None else None, "line": line,
                            "column": column, "message": message,
                            "field": field_path or path})

    def target_error(self, target: Target, field_path: str, message: str) -> None:
        """An error about a field of the object sent, placed in the text it came from."""
        path = field_path
        if target.job is not None:
            path = editor_borg.job_field_for(field_path, target.job)
        self.error_at(target.doc, path, message, field_path)


def default_namespace(principal: Principal, asked: str) -> str:
    if isinstance(asked, str) and asked:
        return asked
    return principal.namespaces[0] if principal.namespaces and not principal.is_admin \
        else "default"


def plan(principal: Principal, text: str, namespace: str, borg: bool) -> Plan:
    """Targets for every well-formed document, and errors for the others."""
    result = Plan()
    if not isinstance(text, str):
        result.error_at(None, "", "the text must be a string")
        return result
    parsed = parse_documents(text)
    if parsed.error is not None:
        result.errors.append({"doc": None, "line": parsed.error.line,
                              "column": parsed.error.column, "message": parsed.error.message,
                              "field": ""})
    namespace = default_namespace(principal, namespace)
    for doc in parsed.docs:
        target = _target(result, doc, namespace, borg)
        if target is not None:
            result.targets.append(target)
    return result


def _target(result: Plan, doc: Doc, namespace: str, borg: bool) -> Target | None:
    obj, job = doc.obj, None
    if editor_borg.is_job(obj):
        if not borg:
            result.error_at(doc, "job", "this is a Borg job description: switch the words "
                                        "to Borg (top right) to have it translated")
            return None
        translation = editor_borg.translate(obj, namespace)
        for path, message in translation.errors:
            result.error_at(doc, path, message)
        if translation.deployment is None:
            return None
        job, obj = obj["job"], translation.deployment
        result.translations.append({"doc": doc.index, "line": doc.line, "yaml": yaml.safe_dump(
            obj, sort_keys=False, default_flow_style=False)})
    if not isinstance(obj, dict):
        result.error_at(doc, "", "each document must be a map with apiVersion, kind, "
                                 "metadata and spec")
        return None
    res = _resource(result, doc, obj)
    if res is None:
        return None
    manifest = copy.deepcopy(obj)
    meta = manifest.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) \
            or not meta["name"]:
        result.error_at(doc, "metadata.name", "metadata.name is required: every object "
                                              "needs a name", "metadata.name")
        return None
    if res.namespaced:
        given = meta.get("namespace")
        if given is not None and (not isinstance(given, str) or not given):
            result.error_at(doc, "metadata.namespace", "metadata.namespace must be a name")
            return None
        meta["namespace"] = given or namespace
    else:
        meta.pop("namespace", None)
    target = Target(doc, res, meta.get("namespace", ""), meta["name"], manifest, job)
    for cause in validation.unknown_fields(res.kind, manifest):
        result.target_error(target, cause["field"], cause["message"])
    return None if any(e["doc"] == doc.index for e in result.errors) else target


def _resource(result: Plan, doc: Doc, obj: dict) -> Resource | None:
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if not isinstance(kind, str) or not kind:
        result.error_at(doc, "kind", "kind is required, e.g. kind: Pod")
        return None
    res = BY_KIND.get(kind)
    if res is None:
        served = ", ".join(sorted(BY_KIND))
        result.error_at(doc, "kind", f'kubelab does not serve the kind "{kind}"; it serves '
                                     f"{served}", "kind")
        return None
    if api_version != res.api_version:
        result.error_at(doc, "apiVersion", f"{kind} is served as apiVersion: "
                                           f"{res.api_version}", "apiVersion")
        return None
    return res
