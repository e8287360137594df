from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "vetserve.stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        # Every append to the ledger folds into the summaries in the same transaction.
        from vetserve.ledger.services import AFTER_ENTRIES
        from vetserve.stats.services import summaries_add_entries

        if summaries_add_entries not in AFTER_ENTRIES:
            AFTER_ENTRIES.append(summaries_add_entries)
