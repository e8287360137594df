from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "vetserve.badges"
    label = "badges"
    verbose_name = "Badges"

    def ready(self) -> None:
        # The roster calls these without knowing badges exist: merging moves a duplicate's
        # badges to the kept record, and the roster search finds a person by badge number.
        from vetserve.badges.selectors import badge_search_q
        from vetserve.badges.services import badges_move
        from vetserve.people.selectors import SEARCH_HOOKS
        from vetserve.people.services import MERGE_HOOKS

        if badges_move not in MERGE_HOOKS:
            MERGE_HOOKS.append(badges_move)
        if badge_search_q not in SEARCH_HOOKS:
            SEARCH_HOOKS.append(badge_search_q)
