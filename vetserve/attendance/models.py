"""Attendance: who was on post, from when to when, and how each time was taken.

Who sees what (scoping, see ``vetserve.core.access``): a stay belongs to the shift's activity,
so ``region`` and ``organization`` are the activity's, copied at check-in so scope checks need
no join. Admins of the region and leaders of the organizing organization see (and, with CHANGE,
correct) them; a volunteer sees their own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import LATITUDES, LONGITUDES, MOMENTS, Bound, SafeDecimalField

# Service minutes of one stay: up to a year, far beyond any shift, so a check-out is never
# refused for its length; 1e10 minutes is refused.
STAY_MINUTES = Bound(0, 366 * 24 * 60)


def _coordinate(bound: Bound) -> SafeDecimalField:
    return SafeDecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, validators=[bound.validator()]
    )


class Method(models.TextChoices):
    POST_QR = "post_qr", _("Scanned the post QR code")
    BADGE = "badge", _("Badge scanned by the leader")
    MANUAL = "manual", _("By hand, by the leader")
    SELF = "self", _("Own check-out button")
    AUTO = "auto", _("Closed automatically at the shift's end")


class Attendance(models.Model):
    """One stay on post of one volunteer on one shift: checked in, and later checked out.

    The times are the scan times on the phone, not the upload times; ``in_key`` / ``out_key``
    are the phones' idempotency keys, so a retried or replayed upload finds this row instead of
    making a second. At most one stay per sign-up is open at a time. A stay nobody checked out
    is closed at the shift's end with ``auto_closed`` set, for a leader to confirm or correct.
    The row is written twice (in, then out) and never edited after: corrections are
    ``AttendanceCorrection`` rows. ``minutes`` is the service time of the stay as recorded.

    The row is also the audit record of its check-in and check-out (no ``AuditEntry`` is
    written for them, for the check-in burst's sake; docs/architecture.md, the audit log):
    who (``in_by``/``out_by``), when (scan time and ``*_received_at``), how (method, key,
    reason) and from which device (``*_via``, ``*_ip``, ``*_agent``, as the audit log keeps
    them). Rows recorded before the device was kept have those blank.
    """

    signup = models.ForeignKey(
        "activities.SignUp", on_delete=models.PROTECT, related_name="attendances"
    )
    shift = models.ForeignKey(
        "activities.Shift", on_delete=models.PROTECT, related_name="attendances"
    )
    volunteer = models.ForeignKey(
        "people.Volunteer", on_delete=models.PROTECT, related_name="attendances"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )

    in_at = models.DateTimeField(_("checked in at"), validators=[MOMENTS.validator()])
    in_method = models.CharField(_("check-in method"), max_length=10, choices=Method.choices)
    in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    in_key = models.UUIDField(unique=True)
    in_lat = _coordinate(LATITUDES)
    in_lon = _coordinate(LONGITUDES)
    in_reason = models.CharField(_("reason"), max_length=300, blank=True)
    in_received_at = models.DateTimeField(auto_now_add=True)
    in_via = models.CharField(_("via"), max_length=10, blank=True)  # web, api, cli
    in_ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    in_agent = models.CharField(max_length=300, blank=True)

    out_at = models.DateTimeField(
        _("checked out at"), null=True, blank=True, validators=[MOMENTS.validator()]
    )
    out_method = models.CharField(
        _("check-out method"), max_length=10, choices=Method.choices, blank=True
    )
    out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    out_key = models.UUIDField(unique=True, null=True, blank=True)
    out_lat = _coordinate(LATITUDES)
    out_lon = _coordinate(LONGITUDES)
    out_reason = models.CharField(max_length=300, blank=True)
    out_received_at = models.DateTimeField(null=True, blank=True)
    out_via = models.CharField(_("via"), max_length=10, blank=True)
    out_ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    out_agent = models.CharField(max_length=300, blank=True)
    auto_closed = models.BooleanField(_("closed automatically"), default=False)
    minutes = models.PositiveIntegerField(
        _("service minutes"), null=True, blank=True, validators=[STAY_MINUTES.validator()]
    )

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = "organization"
    scope_member_orgs_visible = False
    scope_self_field = "volunteer__user_id"

    class Meta:
        ordering = ["-in_at", "-id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        indexes = [
            models.Index(fields=["shift", "in_at"]),
            models.Index(fields=["volunteer", "in_at"]),
            # The lists' order (newest first): a page of the API list reads 50 index entries
            # instead of sorting every stay in scope (788,332 at 10×: 1 s, bench/pages.py).
            models.Index(fields=["in_at", "id"], name="attendance_in_at_id"),
            # The scan records' check-out side, newest first (the audit log's check-ins and
            # check-outs merge the newest of each side, attendance.selectors.ScanRecords).
            models.Index(fields=["out_at", "id"], name="attendance_out_at_id"),
            # The exceptions (stays closed automatically): a handful among every stay, counted
            # on each administrator's home page. Without it both the count and the list read
            # all 788,332 stays at 10× (~100 ms); the partial index holds only those rows.
            models.Index(
                fields=["region_id"],
                condition=models.Q(auto_closed=True),
                name="attendance_auto_closed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["signup"],
                condition=models.Q(out_at__isnull=True),
                name="attendance_one_open_per_signup",
            ),
            models.CheckConstraint(
                condition=models.Q(out_at__isnull=True) | models.Q(out_at__gte=models.F("in_at")),
                name="attendance_out_after_in",
            ),
            MOMENTS.constraint("attendance", "in_at"),
            MOMENTS.constraint("attendance", "out_at", null=True),
            LATITUDES.constraint("attendance", "in_lat", null=True),
            LONGITUDES.constraint("attendance", "in_lon", null=True),
            LATITUDES.constraint("attendance", "out_lat", null=True),
            LONGITUDES.constraint("attendance", "out_lon", null=True),
            STAY_MINUTES.constraint("attendance", "minutes", null=True),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.shift_id} {self.in_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.out_at is None


class AttendanceCorrection(models.Model):
    """A leader's word on a stay after the fact: confirmed as recorded, or corrected to other
    times, always with who and why. Append-only: the latest entry of a stay is what counts
    (ledgers are never edited, STYLE habit 3)."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirmed")
        CORRECT = "correct", _("Corrected")

    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    in_at = models.DateTimeField(_("checked in at"), validators=[MOMENTS.validator()])
    out_at = models.DateTimeField(_("checked out at"), validators=[MOMENTS.validator()])
    minutes = models.PositiveIntegerField(
        _("service minutes"), validators=[STAY_MINUTES.validator()]
    )
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("attendance correction")
        verbose_name_plural = _("attendance corrections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(out_at__gte=models.F("in_at")),
                name="attendance_correction_ordered",
            ),
            MOMENTS.constraint("attendancecorrection", "in_at"),
            MOMENTS.constraint("attendancecorrection", "out_at"),
            STAY_MINUTES.constraint("attendancecorrection", "minutes"),
        ]

    def __str__(self) -> str:
        return f"{self.attendance_id}: {self.kind}"
