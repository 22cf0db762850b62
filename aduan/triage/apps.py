from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "aduan.triage"
    label = "triage"
    verbose_name = _("Triase")

    def ready(self) -> None:
        from aduan.reports import hooks
        from aduan.triage import services, tasks

        hooks.on_events_recorded(services.record_events)
        hooks.after_submit(tasks.suggest_new_reports)
