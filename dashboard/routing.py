"""Websocket URL patterns. Origin is checked against ALLOWED_HOSTS on every route."""
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from dashboard.consumers import ClusterConsumer

websocket_urlpatterns: list = [
    path("ws/cluster", AllowedHostsOriginValidator(ClusterConsumer.as_asgi())),
]
