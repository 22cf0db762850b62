"""Citizen web pages. Each view: parse → access check → service/selector → render."""

from aduan.reports.views.listing import report_list
from aduan.reports.views.mine import my_reports
from aduan.reports.views.pages import districts, home
from aduan.reports.views.reporter_actions import track_action
from aduan.reports.views.submit import report_create, report_submitted
from aduan.reports.views.track import attachment_download, track_detail, track_lookup

__all__ = [
    "attachment_download",
    "districts",
    "home",
    "my_reports",
    "report_create",
    "report_list",
    "report_submitted",
    "track_action",
    "track_detail",
    "track_lookup",
]
