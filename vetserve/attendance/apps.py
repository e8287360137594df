from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "vetserve.attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        # Campaign progress counts service hours without knowing attendance exists.
        from vetserve.activities.selectors import (
            register_served_minutes,
            register_served_minutes_by,
        )
        from vetserve.attendance.selectors import (
            served_minutes_by_activity_group,
            served_minutes_on_shifts,
        )

        register_served_minutes(served_minutes_on_shifts)
        register_served_minutes_by(served_minutes_by_activity_group)

        # Service hours on the team and volunteer pages, and the attendance history.
        from vetserve.attendance.sections import (
            export_hours,
            team_hours,
            volunteer_attendance,
            volunteer_hours,
        )
        from vetserve.orgs.views import DETAIL_SECTIONS
        from vetserve.people.exporting import EXPORT_COLUMNS
        from vetserve.people.views.volunteer import VOLUNTEER_SECTIONS

        if team_hours not in DETAIL_SECTIONS:
            DETAIL_SECTIONS.append(team_hours)
        for section in (volunteer_hours, volunteer_attendance):
            if section not in VOLUNTEER_SECTIONS:
                VOLUNTEER_SECTIONS.append(section)
        # Hours this year and in all on the roster export (issue 13).
        if export_hours not in EXPORT_COLUMNS:
            EXPORT_COLUMNS.append(export_hours)
