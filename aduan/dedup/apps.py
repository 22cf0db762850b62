from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DedupConfig(AppConfig):
    name = "aduan.dedup"
    label = "dedup"
    verbose_name = _("Laporan serupa")

    def ready(self) -> None:
        from aduan.dedup import subscribers, tasks
        from aduan.reports import hooks

        hooks.on_events_recorded(subscribers.events_recorded)
        hooks.after_submit(tasks.index_new_reports)
