from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "vetserve.people"
    label = "people"
    verbose_name = "Roster"

    def ready(self) -> None:
        # A team's page lists its members; orgs stand below people.
        from vetserve.orgs.views import DETAIL_SECTIONS
        from vetserve.people.sections import team_members

        if team_members not in DETAIL_SECTIONS:
            DETAIL_SECTIONS.append(team_members)
