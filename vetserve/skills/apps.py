from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "vetserve.skills"
    label = "skills"
    verbose_name = "Skills and qualifications"

    def ready(self) -> None:
        # The roster filters by skill and by valid qualification; people stand below skills.
        from vetserve.people.selectors import ROSTER_FILTERS, RosterFilter
        from vetserve.skills.selectors import (
            catalogue_qualification_types,
            catalogue_skills,
            volunteers_with_skill_q,
            volunteers_with_valid_qualification_q,
        )

        ROSTER_FILTERS["skill"] = RosterFilter(
            options=lambda: list(catalogue_skills().values_list("pk", "name")),
            q=volunteers_with_skill_q,
        )
        ROSTER_FILTERS["qualification"] = RosterFilter(
            options=lambda: list(catalogue_qualification_types().values_list("pk", "name")),
            q=volunteers_with_valid_qualification_q,
        )

        # A team's page sums its members' qualifications, a volunteer's page lists theirs.
        from vetserve.orgs.views import DETAIL_SECTIONS
        from vetserve.people.views.volunteer import VOLUNTEER_SECTIONS
        from vetserve.skills.sections import team_qualifications, volunteer_holdings

        if team_qualifications not in DETAIL_SECTIONS:
            DETAIL_SECTIONS.append(team_qualifications)
        if volunteer_holdings not in VOLUNTEER_SECTIONS:
            VOLUNTEER_SECTIONS.append(volunteer_holdings)
