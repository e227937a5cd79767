"""URL routing: health, discovery, OpenAPI, the resource API, then the pages."""
from django.urls import include, path, re_path

from cluster import health
from cluster.api import discovery, views

urlpatterns = [
    path("livez", health.livez),
    path("readyz", health.readyz),
    path("version", discovery.version),
    path("version/", discovery.version),
    path("api", discovery.api_versions),
    path("api/", discovery.api_versions),
    path("apis", discovery.api_groups),
    path("apis/", discovery.api_groups),
    path("openapi/v2", discovery.openapi_v2_document),
    path("openapi/v3", discovery.openapi_index),
    re_path(r"^openapi/v3/(?P<path>[\s\S]+)$", discovery.openapi_group_version),
    re_path(r"^api/(?P<ver>v1)/?$", discovery.core_resources),
    re_path(r"^api/v1/(?P<rest>[\s\S]+)$", views.core_api),
    re_path(r"^apis/(?P<group>[^/]+)/?$", discovery.api_group),
    re_path(r"^apis/(?P<group>[^/]+)/(?P<ver>[^/]+)/?$", discovery.group_resources),
    re_path(r"^apis/(?P<group>[^/]+)/(?P<version>[^/]+)/(?P<rest>[\s\S]+)$", views.group_api),
    path("", include("dashboard.urls")),
]
