from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vetserve.demo"
    label = "demo"
    verbose_name = "Demo"
