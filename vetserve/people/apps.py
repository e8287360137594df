from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "vetserve.people"
    label = "people"
    verbose_name = "Roster"
