from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "vetserve.orgs"
    label = "orgs"
    verbose_name = "Organizations"
