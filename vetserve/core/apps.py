from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "vetserve.core"
    label = "core"
    verbose_name = "VetServe core"

    def ready(self) -> None:
        from vetserve.core.files import make_sqlite_private

        connection_created.connect(make_sqlite_private, dispatch_uid="vetserve.private_sqlite")
