"""Public REST API v1 for reports: file a report, follow it, list public reports."""

from aduan.reports.api.reporter_actions import ReporterActionView
from aduan.reports.api.views import CategoryListView, ReportCollectionView, ReportDetailView

__all__ = ["CategoryListView", "ReportCollectionView", "ReportDetailView", "ReporterActionView"]
