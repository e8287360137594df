from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "vetserve.activities"
    label = "activities"
    verbose_name = "Activities and shifts"

    def ready(self) -> None:
        # Erasing a person ends their live sign-ups (the roster does not know activities).
        from vetserve.activities.services import signups_end_on_erasure
        from vetserve.people.services import ERASE_HOOKS

        if signups_end_on_erasure not in ERASE_HOOKS:
            ERASE_HOOKS.append(signups_end_on_erasure)
