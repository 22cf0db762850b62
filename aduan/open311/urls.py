"""Open311 GeoReport v2 under /open311/v2/; every endpoint ends in .xml or .json."""

from django.urls import re_path

from aduan.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.service_list, name="services"),
    re_path(rf"^services/(?P<service_code>[^/]+){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.requests_collection, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/]+){FMT}", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+){FMT}", views.token_detail, name="token"),
    re_path(rf"^servicerequestupdates{FMT}", views.updates_collection, name="updates"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
