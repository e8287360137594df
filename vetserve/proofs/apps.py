from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProofsConfig(AppConfig):
    name = "vetserve.proofs"
    verbose_name = _("Proofs of service")
