"""Building list and Table bodies from stored objects (as kube-apiserver formats them)."""
from __future__ import annotations

import json

from django.utils import timezone

from cluster import tables
from cluster.objects import dumps
from cluster.resources import Resource


def list_body(res: Resource, items: list[str], rv: int, continue_token: str = "") -> str:
    """A List from stored JSON bodies, joined without re-parsing them."""
    metadata = {"resourceVersion": str(rv)}
    if continue_token:
        metadata["continue"] = continue_token
    head = dumps({"kind": f"{res.kind}List", "apiVersion": res.api_version,
                  "metadata": metadata})
    return head[:-1] + ',"items":[' + ",".join(items) + "]}"


def partial_metadata(obj: dict) -> dict:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata", {})}


def table(res: Resource, objects: list[dict], rv: int | str, continue_token: str = "") -> dict:
    now = timezone.now()
    metadata = {"resourceVersion": str(rv)}
    if continue_token:
        metadata["continue"] = continue_token
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": tables.table_columns(res.kind),
        "rows": [{"cells": tables.table_row(res.kind, obj, now), "object": partial_metadata(obj)}
                 for obj in objects],
    }


def table_body(res: Resource, items: list[str], rv: int, continue_token: str = "") -> str:
    return dumps(table(res, [json.loads(i) for i in items], rv, continue_token))
