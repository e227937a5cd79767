"""Websocket URL patterns. Origin is checked against ALLOWED_HOSTS on every route that a
browser cookie can open (exec checks it itself: kubectl sends no Origin)."""
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from cluster.kubelet.exec_consumer import ExecConsumer
from dashboard.consumers import ClusterConsumer

websocket_urlpatterns: list = [
    path("ws/cluster", AllowedHostsOriginValidator(ClusterConsumer.as_asgi())),
    # kubectl sends no Origin: the consumer checks it itself when a cookie authenticates.
    path("api/v1/namespaces/<str:namespace>/pods/<str:name>/exec", ExecConsumer.as_asgi()),
]
