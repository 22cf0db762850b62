from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aduan.reports"
    label = "reports"
    verbose_name = _("Laporan")

    def ready(self) -> None:
        from aduan.reports import hooks, notifications

        hooks.on_event_recorded(notifications.event_recorded)
