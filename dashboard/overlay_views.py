"""JSON endpoints of the scheduling overlay (same cookie login and error mapping as
api_views): a pod's verdicts and "why pending?", and the profile comparison."""
from __future__ import annotations

from django.views.decorators.http import require_GET

from dashboard import overlay
from dashboard.api_views import _json_view

scheduling = require_GET(_json_view(
    lambda p, a: overlay.scheduling(p, a["ns"], a["name"])))

compare = require_GET(_json_view(
    lambda p, a: overlay.compare(p, a["ns"], a["name"])))
