"""Pages. Until the live dashboard lands, `/` lists nodes, namespaces and pods."""
from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cluster.models import Namespace, Node, Pod


def index(request: HttpRequest) -> HttpResponse:
    def objects(model, limit=500):
        return [json.loads(b) for b in model.objects.order_by("namespace", "name")
                .values_list("body", flat=True)[:limit]]

    return render(request, "index.html", {
        "nodes": objects(Node), "namespaces": objects(Namespace), "pods": objects(Pod),
    })
