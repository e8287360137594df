from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vetserve.api"
    label = "api"
    verbose_name = "API"
