"""Staff pages under /petugas/. Each view: parse → access check → service/selector →
render; every one sits behind :func:`aduan.accounts.guards.staff_required`."""

from aduan.backoffice.views.coordinator import coordinator
from aduan.backoffice.views.desk import desk_bulk, desk_queue
from aduan.backoffice.views.inbox import inbox
from aduan.backoffice.views.landing import home
from aduan.backoffice.views.report import attachment_download, report_action, report_detail
from aduan.backoffice.views.templates import (
    template_create,
    template_deactivate,
    template_edit,
    template_list,
)

__all__ = [
    "attachment_download",
    "coordinator",
    "desk_bulk",
    "desk_queue",
    "home",
    "inbox",
    "report_action",
    "report_detail",
    "template_create",
    "template_deactivate",
    "template_edit",
    "template_list",
]
