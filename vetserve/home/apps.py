from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "vetserve.home"
    label = "home"
    verbose_name = "Home pages"
