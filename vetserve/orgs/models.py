from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import DATES, text_constraint

# The longest description a team needs; a page of text.
DESCRIPTION_MAX = 2000


class Kind(models.TextChoices):
    FEDERATION = "federation", _("Federation (爱国拥军联合会)")
    GRASSROOTS = "grassroots", _("Township / village service team")
    SPECIALIST = "specialist", _("Specialist team")
    PARTNER = "partner", _("Partner body")
    STUDENT = "student", _("Student veterans' team")


class Specialty(models.TextChoices):
    GENERAL = "general", _("General service")
    RESCUE = "rescue", _("Emergency rescue")
    FIRST_AID = "first_aid", _("First aid / medical")
    TRANSPORT = "transport", _("Transport and logistics")
    TRAFFIC = "traffic", _("Traffic and order")
    EPIDEMIC = "epidemic", _("Epidemic prevention")
    CIVILITY = "civility", _("Civility promotion")


class Organization(models.Model):
    """A body that volunteers belong to or that runs them, placed in one region (属地化管理).

    Federations dispatch across their region; grassroots teams serve their township or village;
    specialist, partner and student teams may sit under a partner body. ``path`` holds the ids
    from the root organization down to this one ("/1/17/240/"), so "this organization and all
    its sub-organizations" is one prefix query.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    specialty = models.CharField(
        _("specialty"), max_length=20, choices=Specialty.choices, default=Specialty.GENERAL
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    founded_on = models.DateField(
        _("founded on"), null=True, blank=True, validators=[DATES.validator()]
    )
    leader_name = models.CharField(_("leader"), max_length=50, blank=True)
    flag_awarded_on = models.DateField(
        _("flag awarded on"), null=True, blank=True, validators=[DATES.validator()]
    )
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX,
        validators=[MaxLengthValidator(DESCRIPTION_MAX)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    name_initials = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    name_pinyin = models.CharField(max_length=400, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"
    scope_org_field = ""  # the organization itself

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="org_name_unique_in_region"),
            DATES.constraint("org", "founded_on", null=True),
            DATES.constraint("org", "flag_awarded_on", null=True),
            text_constraint("org", "description", DESCRIPTION_MAX),
        ]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1
