from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "aduan.backoffice"
    label = "backoffice"
    verbose_name = "Kantor belakang"
