"""JSON endpoints of the scheduling overlay (same cookie login and error mapping as
api_views): a pod's verdicts and "why pending?", and the profile comparison."""
from __future__ import annotations

from django.views.decorators.http import require_GET

from dashboard import overlay
from dashboard.json_endpoint import json_endpoint

scheduling = require_GET(json_endpoint(
    lambda p, a: overlay.scheduling(p, a["ns"], a["name"])))

compare = require_GET(json_endpoint(
    lambda p, a: overlay.compare(p, a["ns"], a["name"])))
