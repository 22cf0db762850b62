from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsChannelConfig(AppConfig):
    name = "aduan.channels.sms"
    label = "channels_sms"
    verbose_name = _("Kanal SMS")
