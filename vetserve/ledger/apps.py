from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "vetserve.ledger"
    verbose_name = _("Service-hours ledger")

    def ready(self) -> None:
        # Closing attendance turns the closed stays into entries (docs/architecture.md).
        from vetserve.attendance.tasks import AFTER_CLOSE
        from vetserve.ledger.tasks import record_attendance_after_close

        if record_attendance_after_close not in AFTER_CLOSE:
            AFTER_CLOSE.append(record_attendance_after_close)

        # Ledger hours on the team and volunteer pages, beside attendance's.
        from vetserve.ledger.sections import team_ledger_hours, volunteer_ledger_hours
        from vetserve.orgs.views import DETAIL_SECTIONS
        from vetserve.people.views.volunteer import VOLUNTEER_SECTIONS

        if team_ledger_hours not in DETAIL_SECTIONS:
            DETAIL_SECTIONS.append(team_ledger_hours)
        if volunteer_ledger_hours not in VOLUNTEER_SECTIONS:
            VOLUNTEER_SECTIONS.append(volunteer_ledger_hours)
