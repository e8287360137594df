from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vetserve.accounts"
    label = "accounts"
    verbose_name = "Accounts"
