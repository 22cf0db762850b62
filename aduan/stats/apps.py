from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "aduan.stats"
    label = "stats"
    verbose_name = _("Statistik kinerja")

    def ready(self) -> None:
        from aduan.reports import hooks
        from aduan.stats import cache, rollups

        hooks.on_events_recorded(rollups.on_events_recorded)
        cache.connect_signals()
