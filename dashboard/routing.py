"""Websocket URL patterns. The live dashboard issue fills these in."""
websocket_urlpatterns: list = []
