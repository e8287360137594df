from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.scoping import ScopedQuerySet

# Digits of the 12-digit statistical code that a unit of each level fixes (GB/T 2260 for the
# first six, the NBS township and village codes for the rest).
PREFIX_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
CODE_LENGTH = {"province": 6, "city": 6, "county": 6, "township": 9, "village": 12}
LEVEL_ORDER = ["province", "city", "county", "township", "village"]


def code_to_id(code: str) -> int:
    """The official code padded to 12 digits: 130709 -> 130709000000, 130709100 -> 130709100000."""
    return int(code.ljust(12, "0"))


def subtree_range(code: str, level: str) -> tuple[int, int]:
    """Lowest and highest id of this unit and everything under it.

    Codes are hierarchical, so a subtree is a contiguous range of ids: one indexed range query
    on any foreign key to Region answers "everything under this region".
    """
    prefix = code.ljust(12, "0")[: PREFIX_DIGITS[level]]
    return int(prefix.ljust(12, "0")), int(prefix.ljust(12, "9"))


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
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
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
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_range(self) -> tuple[int, int]:
        return subtree_range(self.code, self.level)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids of the units above this one, highest first, computed from the code alone."""
        result = []
        for level in LEVEL_ORDER[: LEVEL_ORDER.index(self.level)]:
            prefix = self.code.ljust(12, "0")[: PREFIX_DIGITS[level]]
            result.append(int(prefix.ljust(12, "0")))
        return result

    def contains(self, region_id: int) -> bool:
        low, high = self.id_range
        return low <= region_id <= high
