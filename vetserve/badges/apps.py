from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "vetserve.badges"
    label = "badges"
    verbose_name = "Badges"

    def ready(self) -> None:
        # The roster calls these without knowing badges exist: merging moves a duplicate's
        # badges to the kept record, erasing revokes them, and the roster search finds a
        # person by badge number.
        from vetserve.badges.selectors import badge_search_q
        from vetserve.badges.services import (
            badges_move,
            badges_revoke_on_erasure,
            badges_revoke_on_leaving,
        )
        from vetserve.people.selectors import SEARCH_HOOKS
        from vetserve.people.services import ERASE_HOOKS, MERGE_HOOKS, STATUS_HOOKS

        if badges_move not in MERGE_HOOKS:
            MERGE_HOOKS.append(badges_move)
        if badges_revoke_on_leaving not in STATUS_HOOKS:
            STATUS_HOOKS.append(badges_revoke_on_leaving)
        if badges_revoke_on_erasure not in ERASE_HOOKS:
            ERASE_HOOKS.append(badges_revoke_on_erasure)
        if badge_search_q not in SEARCH_HOOKS:
            SEARCH_HOOKS.append(badge_search_q)

        # The badge number on the roster export (issue 13).
        from vetserve.badges.sections import export_badge_number
        from vetserve.people.exporting import EXPORT_COLUMNS

        if export_badge_number not in EXPORT_COLUMNS:
            EXPORT_COLUMNS.append(export_badge_number)
