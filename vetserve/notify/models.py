from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.bounds import text_constraint

# A message's text; the services cut longer ones (an SMS is far shorter anyway).
BODY_MAX = 10_000


class Notification(models.Model):
    """One message to one user, shown in the app until read (and also sent by e-mail or SMS
    where the sender has an address)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("message"), blank=True, max_length=BODY_MAX, validators=[MaxLengthValidator(BODY_MAX)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
        constraints = [text_constraint("notification", "body", BODY_MAX)]

    def __str__(self) -> str:
        return self.title
