from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import AUDIT, CHANGE, VIEW


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    COUNTY_ADMIN = "county_admin", _("County administrator")
    TOWNSHIP_ADMIN = "township_admin", _("Township administrator")
    ORG_LEADER = "org_leader", _("Organization leader")
    VOLUNTEER = "volunteer", _("Volunteer")
    AUDITOR = "auditor", _("Auditor (read-only)")


# What each role may do inside its scope.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.CITY_ADMIN: frozenset({VIEW, CHANGE, AUDIT}),
    Role.COUNTY_ADMIN: frozenset({VIEW, CHANGE, AUDIT}),
    Role.TOWNSHIP_ADMIN: frozenset({VIEW, CHANGE, AUDIT}),
    Role.ORG_LEADER: frozenset({VIEW, CHANGE}),
    Role.VOLUNTEER: frozenset({VIEW}),
    Role.AUDITOR: frozenset({VIEW, AUDIT}),
}

# The region level a region-scoped role is granted at; None means any level.
ROLE_REGION_LEVEL: dict[str, str | None] = {
    Role.CITY_ADMIN: "city",
    Role.COUNTY_ADMIN: "county",
    Role.TOWNSHIP_ADMIN: "township",
    Role.AUDITOR: None,
}
ORG_ROLES = frozenset({Role.ORG_LEADER, Role.VOLUNTEER})


class User(AbstractUser):
    """Someone who logs in: federation staff, a team leader, a volunteer or an auditor.

    What they may see is not on this row but in their `Grant`s.
    """

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # Set on accounts made with a printed initial password (`grant --create`): until they choose
    # their own, every page leads to the password change and the API refuses them.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def active_grants(self) -> list[Grant]:
        cached: list[Grant] | None = self.__dict__.get("_vetserve_grants")
        if cached is None:
            cached = list(
                self.grants.select_related("region", "organization", "organization__region")
            )
            self.__dict__["_vetserve_grants"] = cached
        return cached


class Grant(models.Model):
    """One role held by one user in one scope: a region (and all under it) or an organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(region__isnull=False, organization__isnull=True)
                    | models.Q(region__isnull=True, organization__isnull=False)
                ),
                name="grant_one_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region", "organization"], name="grant_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.scope_name}"

    @property
    def scope_name(self) -> str:
        target: Any = self.region or self.organization
        return str(target)


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the token is shown once at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginFailure(models.Model):
    """One failed login, kept to slow down password guessing across all server processes."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"


class PasswordResetLink(models.Model):
    """A one-time link an administrator issued so someone who forgot their password can choose a
    new one. Only a hash of the link's secret is stored; the link is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_reset_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("password reset link")
        verbose_name_plural = _("password reset links")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.user_id})"
