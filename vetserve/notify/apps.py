from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "vetserve.notify"
    label = "notify"
    verbose_name = "Notifications"
