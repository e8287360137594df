from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "vetserve.recognition"
    verbose_name = _("Recognition and evaluation")

    def ready(self) -> None:
        # Stars, awards and evaluations on a volunteer's page (and on one's own), team honours
        # on a team's page.
        from vetserve.orgs.views import DETAIL_SECTIONS
        from vetserve.people.views.volunteer import VOLUNTEER_SECTIONS
        from vetserve.recognition.sections import team_honours, volunteer_recognition

        if team_honours not in DETAIL_SECTIONS:
            DETAIL_SECTIONS.append(team_honours)
        if volunteer_recognition not in VOLUNTEER_SECTIONS:
            VOLUNTEER_SECTIONS.append(volunteer_recognition)
