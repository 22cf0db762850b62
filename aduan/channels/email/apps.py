from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailChannelConfig(AppConfig):
    name = "aduan.channels.email"
    label = "channels_email"
    verbose_name = _("Kanal surel")
