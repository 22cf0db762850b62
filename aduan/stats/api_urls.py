"""Public statistics API, mounted under /api/v1/."""

from django.urls import URLPattern, path

from aduan.stats.api import StatsView

app_name = "stats-api"

urlpatterns: list[URLPattern] = [
    path("stats", StatsView.as_view(), name="stats"),
]
