from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "aduan.webhooks"
    label = "webhooks"
    verbose_name = _("Webhook")

    def ready(self) -> None:
        from aduan.reports import hooks
        from aduan.webhooks import services

        hooks.on_events_recorded(services.events_recorded)
