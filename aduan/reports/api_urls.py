"""Public REST API v1: reports and their categories (mounted under /api/v1/)."""

from django.urls import path

from aduan.reports.api import (
    CategoryListView,
    ReportCollectionView,
    ReportDetailView,
    ReporterActionView,
)

urlpatterns = [
    path("reports", ReportCollectionView.as_view(), name="api-reports"),
    path("reports/<str:tracking_id>", ReportDetailView.as_view(), name="api-report-detail"),
    path(
        "reports/<str:tracking_id>/actions/<str:action>",
        ReporterActionView.as_view(),
        name="api-report-action",
    ),
    path("categories", CategoryListView.as_view(), name="api-categories"),
]
