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
