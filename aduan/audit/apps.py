from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "aduan.audit"
    label = "audit"
    verbose_name = "Audit"
