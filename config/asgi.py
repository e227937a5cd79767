"""ASGI app: websockets and long-lived watch streams, plus HTTP as a fallback."""
import os

from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from cluster.api.watch import with_watch  # noqa: E402  (needs apps loaded)
from dashboard.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": with_watch(django_asgi_app),
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
