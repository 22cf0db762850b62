from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aduan.reports"
    label = "reports"
    verbose_name = _("Laporan")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from aduan.agencies.models import Agency
        from aduan.regions.models import Region
        from aduan.reports import forms, hooks, notifications
        from aduan.reports.models import Category

        hooks.on_events_recorded(notifications.events_recorded)
        for model in (Agency, Region, Category):
            for signal in (post_save, post_delete):
                signal.connect(forms.clear_choices_cache, sender=model, weak=False)
