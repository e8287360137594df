from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "vetserve.activities"
    label = "activities"
    verbose_name = "Activities and shifts"
