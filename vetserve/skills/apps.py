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
