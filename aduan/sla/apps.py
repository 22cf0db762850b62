from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "aduan.sla"
    label = "sla"
    verbose_name = _("Tenggat")

    def ready(self) -> None:
        from aduan.sla import calendar, deadlines
        from aduan.sla.models import CollectiveLeave, SlaLimit

        def clear_leave(**_: object) -> None:
            calendar.clear_cache()

        def clear_limits(**_: object) -> None:
            deadlines.clear_cache()

        for signal in (post_save, post_delete):
            signal.connect(clear_leave, sender=CollectiveLeave, weak=False)
            signal.connect(clear_limits, sender=SlaLimit, weak=False)
