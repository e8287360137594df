from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vetserve.audit"
    label = "audit"
    verbose_name = "Audit log"
