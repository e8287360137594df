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

        # A team's page shows the activities it runs, a volunteer's page their next shifts.
        from vetserve.activities.sections import team_activities, volunteer_shifts
        from vetserve.orgs.views import DETAIL_SECTIONS
        from vetserve.people.views.volunteer import VOLUNTEER_SECTIONS

        if team_activities not in DETAIL_SECTIONS:
            DETAIL_SECTIONS.append(team_activities)
        if volunteer_shifts not in VOLUNTEER_SECTIONS:
            VOLUNTEER_SECTIONS.append(volunteer_shifts)
