"""Public REST API v1: the agency directory and the region catalogue (under /api/v1/)."""

from django.urls import path

from aduan.agencies.api import AgencyDetailView, AgencyListView
from aduan.regions.api import DistrictListView, RegionListView

urlpatterns = [
    path("agencies", AgencyListView.as_view(), name="api-agencies"),
    path("agencies/<str:code>", AgencyDetailView.as_view(), name="api-agency-detail"),
    path("regions", RegionListView.as_view(), name="api-regions"),
    path("regions/<str:code>/districts", DistrictListView.as_view(), name="api-region-districts"),
]
