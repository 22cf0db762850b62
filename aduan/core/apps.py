from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "aduan.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from aduan.core import dbstats

        # Once per ``migrate`` (sent for this app only): statistics of remade tables.
        post_migrate.connect(dbstats.after_migrate, sender=self)
