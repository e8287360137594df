from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import LATITUDES, LONGITUDES, SafeDecimalField
from vetserve.core.places import (
    CODE_LENGTH,
    LEVEL_ORDER,
    PREFIX_DIGITS,
    ancestor_ids,
    code_to_id,
    subtree_range,
)

# The tree's arithmetic lives in core, where the access module filters by it.
__all__ = ["CODE_LENGTH", "LEVEL_ORDER", "PREFIX_DIGITS", "Level", "Region", "code_to_id"]


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / subdistrict")
    VILLAGE = "village", _("Village / community")


class Region(models.Model):
    """One unit of the administrative tree (province, city, county, township or village).

    A row means an official division identified by its statistical code. The primary key is that
    code padded to 12 digits, so every descendant of a unit has an id inside the unit's
    `subtree_range` and scope checks need no join and no recursion.
    """

    id = models.BigIntegerField(primary_key=True)
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # A region's centre point, in China (core.bounds); empty where unknown.
    lon = SafeDecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[LONGITUDES.validator()],
    )
    lat = SafeDecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[LATITUDES.validator()],
    )
    name_initials = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    name_pinyin = models.CharField(max_length=400, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "id"
    scope_org_field = None
    scope_ancestors_visible = True  # breadcrumbs: the units above a grant show by name

    class Meta:
        ordering = ["id"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["parent", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=LEVEL_ORDER), name="region_level_valid"
            ),
            LONGITUDES.constraint("region", "lon", null=True),
            LATITUDES.constraint("region", "lat", null=True),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_range(self) -> tuple[int, int]:
        return subtree_range(self.code, self.level)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids of the units above this one, highest first, computed from the code alone."""
        return ancestor_ids(self.code, self.level)

    def contains(self, region_id: int) -> bool:
        low, high = self.id_range
        return low <= region_id <= high
