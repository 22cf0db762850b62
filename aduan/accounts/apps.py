from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aduan.accounts"
    label = "accounts"
    verbose_name = _("Akun")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from aduan.accounts.lockout import record_lockout

        # django-axes decides lockouts; its signal is the only place to hear about them.
        user_locked_out.connect(record_lockout, dispatch_uid="aduan-accounts-lockout-audit")
