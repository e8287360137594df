from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vetserve.core"
    label = "core"
    verbose_name = "VetServe core"
