from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vetserve.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The access module knows no app: what a person's grants reach is computed here.
        from vetserve.accounts.scope import scope_from_grants
        from vetserve.core.access import install_scope_resolver

        install_scope_resolver(scope_from_grants)
