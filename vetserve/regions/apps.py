from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "vetserve.regions"
    label = "regions"
    verbose_name = "Regions"
