from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import DATES, Bound

# A county's badge numbers run 00001–99999 (ZJK-130709-00001): five digits, as printed.
BADGE_SEQUENCES = Bound(0, 99999)


class Status(models.TextChoices):
    ACTIVE = "active", _("Valid")
    LOST = "lost", _("Reported lost")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced")


# Which status may follow which. A lost badge stays "lost" when it is reissued, so whoever
# finds and scans it learns that it was lost; revoked and replaced badges are final.
STATUS_FLOW: dict[str, frozenset[str]] = {
    Status.ACTIVE: frozenset({Status.LOST, Status.REVOKED, Status.REPLACED}),
    Status.LOST: frozenset({Status.REVOKED}),
    Status.REVOKED: frozenset(),
    Status.REPLACED: frozenset(),
}


class Badge(models.Model):
    """One numbered badge "张家口退役军人志愿者" issued to one volunteer.

    The number (ZJK-130709-00001) is the volunteer's number in the corps and is never derived
    from the ID number. A volunteer holds at most one valid badge; a reissued badge points to
    the one it replaces, so the chain of a person's badges can be followed. ``region`` is the
    volunteer's region at issue (the county in the number comes from it); who may see a badge
    follows the volunteer, not this field, so a move between organizations strands nothing.
    ``nonce`` is random and goes into the signed QR code, so the code cannot be made from the
    printed number alone.
    """

    number = models.CharField(_("badge number"), max_length=40, unique=True)
    volunteer = models.ForeignKey(
        "people.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="badges",
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False
    )
    issued_on = models.DateField(_("issued on"), validators=[DATES.validator()])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # Placed through the volunteer: exactly the rows of the volunteers one may reach.
    scope_via = "volunteer"

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=models.Q(status="active"),
                name="badge_one_active_per_volunteer",
            ),
            DATES.constraint("badge", "issued_on"),
        ]
        indexes = [
            models.Index(fields=["status", "region"]),
            # The lists' order (newest first): a page reads its 50 entries instead of sorting
            # every badge in scope (51,530 at 10×: ~0.25 s, bench/pages.py).
            models.Index(fields=["issued_on", "id"], name="badge_issued_on_id"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.status == Status.ACTIVE


class BadgeEvent(models.Model):
    """One change of a badge's status: who, when, from what to what, and why (append-only)."""

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("badge event")
        verbose_name_plural = _("badge events")

    def __str__(self) -> str:
        return f"{self.badge}: {self.from_status or '-'} -> {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Badge events are append-only.")
        super().save(*args, **kwargs)


class BadgeCounter(models.Model):
    """The last sequence number given out in one county (its 6-digit code).

    Locked with SELECT … FOR UPDATE while a number is taken, so two server processes never
    hand out the same number and the sequence has no gaps.
    """

    county_code = models.CharField(max_length=6, primary_key=True)
    last = models.PositiveIntegerField(default=0, validators=[BADGE_SEQUENCES.validator()])

    class Meta:
        constraints = [BADGE_SEQUENCES.constraint("badgecounter", "last")]

    def __str__(self) -> str:
        return f"{self.county_code}: {self.last}"
