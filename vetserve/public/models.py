"""The public face: posts staff publish for everyone (讲好退役军人志愿服务故事) and their photos.

A ``Post`` is one piece a county's or the city's staff wrote for the public site: news, a
story, an initiative letter (倡议书), a key project announced, an experience write-up, a lesson
(linked to the training course it prepares for) or a profile of a volunteer or a team. It is
placed in a region (``core.access.may_publish``: a county's staff publish for their county,
the city's for all), written in Markdown and kept with its sanitised HTML, and shown to the
public once published and its publish date has come. A profile of a volunteer is shown only
while the volunteer's latest publication consent is granted (PIPL Art 25).

Who sees what (``vetserve.core.access``): staff see and change the posts of their region
subtree; the public sees published posts through ``selectors.public_posts`` alone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vetserve.core.access import ScopedQuerySet
from vetserve.core.bounds import MOMENTS, Bound, text_constraint

TITLE_MAX = 120
SUMMARY_MAX = 300
# A long feature article is a few thousand characters; 20,000 leaves room and stops a paste
# of a whole book.
BODY_MAX = 20_000
# What the body may become as HTML (Markdown's tags around each line); refused beyond.
BODY_HTML_MAX = 100_000
CAPTION_MAX = 120
PHOTOS_MAX = 12
# Photos are resized to at most this many pixels on their longer side.
PHOTO_EDGE = 1600
PHOTO_PIXELS = Bound(1, PHOTO_EDGE)
PHOTO_POSITIONS = Bound(0, PHOTOS_MAX)
# What an upload may be before resizing: a phone's photo is 3–8 MB.
PHOTO_UPLOAD_MAX_BYTES = 10 * 1024 * 1024


class Kind(models.TextChoices):
    NEWS = "news", _("News")
    STORY = "story", _("Story")
    INITIATIVE = "initiative", _("Initiative letter")
    KEY_PROJECT = "key_project", _("Key project")
    EXPERIENCE = "experience", _("Experience")
    LESSON = "lesson", _("Lesson")
    PROFILE = "profile", _("Profile")


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Post(models.Model):
    """One piece for the public site, as its staff last saved it.

    ``body`` is what staff wrote (Markdown); ``body_html`` is it rendered and sanitised when
    saved (``public.text.render``), so a page never renders Markdown nor trusts stored HTML it
    did not clean. ``publish_at`` is when a published post appears (a date ahead schedules
    it). ``course`` links a lesson to the training course it prepares for; ``campaign`` a key
    project to its campaign; ``organization`` or ``volunteer`` is whom a profile is about.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    summary = models.CharField(_("summary"), max_length=SUMMARY_MAX, blank=True)
    body = models.TextField(
        _("text"), max_length=BODY_MAX, validators=[MaxLengthValidator(BODY_MAX)]
    )
    body_html = models.TextField(
        max_length=BODY_HTML_MAX, editable=False, validators=[MaxLengthValidator(BODY_HTML_MAX)]
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("published for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, validators=[MOMENTS.validator()]
    )
    course = models.ForeignKey(
        "skills.Course",
        verbose_name=_("training course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    campaign = models.ForeignKey(
        "activities.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    volunteer = models.ForeignKey(
        "people.Volunteer",
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "region_id"

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            # The public lists: published posts of a kind, newest first.
            models.Index(fields=["status", "kind", "publish_at"], name="post_public"),
            # The public sections of several kinds (news and stories): newest first.
            models.Index(fields=["status", "publish_at"], name="post_public_all"),
            models.Index(fields=["region", "updated_at"], name="post_region"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in Kind]), name="post_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in PostStatus]),
                name="post_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(publish_at__isnull=False),
                name="post_published_has_date",
            ),
            MOMENTS.constraint("post", "publish_at", null=True),
            text_constraint("post", "body", BODY_MAX),
            text_constraint("post", "body_html", BODY_HTML_MAX),
        ]

    def __str__(self) -> str:
        return self.title


class PostPhoto(models.Model):
    """A photo shown with a post: resized and stripped of EXIF (and so of GPS positions) when
    uploaded (``public.photos.clean_photo``); the file holds nothing else of the original."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="public/%Y/", max_length=200)
    width = models.PositiveIntegerField(validators=[PHOTO_PIXELS.validator()])
    height = models.PositiveIntegerField(validators=[PHOTO_PIXELS.validator()])
    caption = models.CharField(_("caption"), max_length=CAPTION_MAX, blank=True)
    position = models.PositiveSmallIntegerField(default=0, validators=[PHOTO_POSITIONS.validator()])
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field = "post__region_id"

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            PHOTO_PIXELS.constraint("postphoto", "width"),
            PHOTO_PIXELS.constraint("postphoto", "height"),
            PHOTO_POSITIONS.constraint("postphoto", "position"),
        ]

    def __str__(self) -> str:
        return self.caption or self.image.name or ""
