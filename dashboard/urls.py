"""Dashboard URLs: pages at the top level, JSON helpers under /ui/."""
from django.urls import path

from dashboard import api_views, logs_view, views

urlpatterns = [
    path("", views.index),
    path("login", views.login),
    path("logout", views.logout),
    path("glossary", views.glossary),
    path("ui/vocabulary.json", api_views.vocabulary),
    path("ui/selector", api_views.selector),
    path("ui/object/<str:kind>/<str:ns>/<str:name>", api_views.describe),
    path("ui/scale", api_views.scale),
    path("ui/delete-pod", api_views.delete_pod),
    path("ui/cordon", api_views.cordon),
    path("ui/labels", api_views.labels),
    path("ui/drain", api_views.drain),
    path("ui/kill-node", api_views.kill_node),
    path("ui/killed-nodes", api_views.killed),
    path("ui/restart", api_views.restart),
    path("ui/set-image", api_views.set_image),
    path("ui/send-requests", api_views.send_requests),
    path("ui/log/<str:ns>/<str:name>", logs_view.pod_log),
]
