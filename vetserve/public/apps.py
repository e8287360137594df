from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "vetserve.public"
    verbose_name = _("Public face")

    def ready(self) -> None:
        # Cached public pages name consenting volunteers: a withdrawn consent, an erasure or a
        # merge forgets them at once (PIPL Art 25), not only when they expire.
        from vetserve.people.services import CONSENT_HOOKS, ERASE_HOOKS, MERGE_HOOKS
        from vetserve.public.caching import (
            forget_pages_after_consent,
            forget_pages_after_erasure,
            forget_pages_after_merge,
        )

        for hooks, hook in (
            (CONSENT_HOOKS, forget_pages_after_consent),
            (ERASE_HOOKS, forget_pages_after_erasure),
            (MERGE_HOOKS, forget_pages_after_merge),
        ):
            if hook not in hooks:
                hooks.append(hook)  # type: ignore[arg-type]
