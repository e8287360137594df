"""Every write to the public face goes through here: posts and their photos, each audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.accounts.models import User
from vetserve.activities.models import Campaign
from vetserve.audit.services import audit_record
from vetserve.core.access import VIEW, Actor, may_publish, visible_to
from vetserve.core.bounds import MOMENTS
from vetserve.orgs.models import Organization
from vetserve.people.models import Consent, Volunteer
from vetserve.people.services import has_consent
from vetserve.public.caching import forget_pages
from vetserve.public.models import (
    BODY_HTML_MAX,
    BODY_MAX,
    CAPTION_MAX,
    PHOTOS_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Kind,
    Post,
    PostPhoto,
    PostStatus,
)
from vetserve.public.photos import clean_photo
from vetserve.public.text import render
from vetserve.regions.models import Region
from vetserve.skills.models import Course

# What a post's audit entry compares between before and after.
TRACKED = (
    "kind", "title", "summary", "region_id", "status", "publish_at", "course_id", "campaign_id",
    "organization_id", "volunteer_id",
)  # fmt: skip


def _user(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) else None


def _visible(actor: Actor | None, model: type[models.Model], obj: Any, field: str) -> None:
    if obj is not None and not visible_to(actor, model, VIEW).filter(pk=obj.pk).exists():
        raise ValidationError({field: _("Not something you may choose here.")}, code="scope")


def _check(
    *,
    actor: Actor | None,
    kind: str,
    title: str,
    summary: str,
    body: str,
    region: Region,
    status: str,
    publish_at: datetime | None,
    course: Course | None,
    campaign: Campaign | None,
    organization: Organization | None,
    volunteer: Volunteer | None,
) -> str:
    """Refuse what may not be saved, field by field; the rendered HTML when all is well."""
    if not may_publish(actor, region.pk):
        raise PermissionDenied(_("You may not publish for this region."))
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose what kind of post this is.")
    if not title.strip():
        errors["title"] = _("Give the post a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title may be at most %(n)d characters.") % {"n": TITLE_MAX}
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = _("The summary may be at most %(n)d characters.") % {"n": SUMMARY_MAX}
    if not body.strip():
        errors["body"] = _("Write the text of the post.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("The text may be at most %(n)d characters.") % {"n": BODY_MAX}
    if status not in PostStatus.values:
        errors["status"] = _("Choose draft or published.")
    if publish_at is not None and publish_at not in MOMENTS:
        errors["publish_at"] = MOMENTS.message()
    if kind == Kind.PROFILE and volunteer is None and organization is None:
        errors["volunteer"] = _("A profile is of a volunteer or a team: choose one.")
    if volunteer is not None and kind != Kind.PROFILE:
        errors["volunteer"] = _("Only a profile names a volunteer.")
    if volunteer is not None and (
        volunteer.is_erased or not has_consent(volunteer, Consent.Purpose.PUBLICATION)
    ):
        # PIPL Art 25: publishing a person needs their separate consent.
        errors["volunteer"] = _(
            "This volunteer has not consented to publication: record their consent first."
        )
    if errors:
        raise ValidationError(errors, code="invalid")
    _visible(actor, Course, course, "course")
    _visible(actor, Campaign, campaign, "campaign")
    _visible(actor, Organization, organization, "organization")
    _visible(actor, Volunteer, volunteer, "volunteer")
    html = render(body)
    if len(html) > BODY_HTML_MAX:
        raise ValidationError(
            {"body": _("The text makes too long a page: shorten it or split it.")}, code="long"
        )
    return html


@transaction.atomic
def post_create(
    *,
    actor: Actor | None,
    kind: str,
    title: str,
    body: str,
    region: Region,
    summary: str = "",
    status: str = PostStatus.DRAFT,
    publish_at: datetime | None = None,
    course: Course | None = None,
    campaign: Campaign | None = None,
    organization: Organization | None = None,
    volunteer: Volunteer | None = None,
) -> Post:
    """Write a post (a draft, or published at once or from ``publish_at``)."""
    title, summary = title.strip(), summary.strip()
    html = _check(
        actor=actor, kind=kind, title=title, summary=summary, body=body, region=region,
        status=status, publish_at=publish_at, course=course, campaign=campaign,
        organization=organization, volunteer=volunteer,
    )  # fmt: skip
    if status == PostStatus.PUBLISHED and publish_at is None:
        publish_at = timezone.now()
    post = Post.objects.create(
        kind=kind, title=title, summary=summary, body=body, body_html=html, region=region,
        status=status, publish_at=publish_at, course=course, campaign=campaign,
        organization=organization, volunteer=volunteer, created_by=_user(actor),
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="public.post_create",
        obj=post,
        object_repr=post.title,
        changes={name: [None, _shown(getattr(post, name))] for name in TRACKED},
    )
    forget_pages()
    return post


@transaction.atomic
def post_update(
    *,
    actor: Actor | None,
    post: Post,
    kind: str,
    title: str,
    body: str,
    region: Region,
    summary: str = "",
    status: str = PostStatus.DRAFT,
    publish_at: datetime | None = None,
    course: Course | None = None,
    campaign: Campaign | None = None,
    organization: Organization | None = None,
    volunteer: Volunteer | None = None,
) -> Post:
    """Change a post; moving it to another region needs the right to publish in both."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not may_publish(actor, post.region_id):
        raise PermissionDenied(_("You may not publish for this region."))
    title, summary = title.strip(), summary.strip()
    html = _check(
        actor=actor, kind=kind, title=title, summary=summary, body=body, region=region,
        status=status, publish_at=publish_at, course=course, campaign=campaign,
        organization=organization, volunteer=volunteer,
    )  # fmt: skip
    if status == PostStatus.PUBLISHED and publish_at is None:
        publish_at = post.publish_at or timezone.now()
    before = {name: _shown(getattr(post, name)) for name in TRACKED}
    body_changed = post.body != body
    post.kind, post.title, post.summary, post.body, post.body_html = (
        kind,
        title,
        summary,
        body,
        html,
    )
    post.region, post.status, post.publish_at = region, status, publish_at
    post.course, post.campaign = course, campaign
    post.organization, post.volunteer = organization, volunteer
    post.save()
    changes = {
        name: [before[name], _shown(getattr(post, name))]
        for name in TRACKED
        if before[name] != _shown(getattr(post, name))
    }
    if body_changed:
        changes["body"] = [_("(earlier text)"), _("(new text)")]
    audit_record(
        actor=actor, action="public.post_update", obj=post, object_repr=post.title,
        changes=changes,
    )  # fmt: skip
    forget_pages()
    return post


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@transaction.atomic
def photo_add(*, actor: Actor | None, post: Post, upload: Any, caption: str = "") -> PostPhoto:
    """Add a photo, resized and stripped of its metadata (``public.photos``)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not may_publish(actor, post.region_id):
        raise PermissionDenied(_("You may not publish for this region."))
    caption = caption.strip()
    if len(caption) > CAPTION_MAX:
        raise ValidationError(
            {"caption": _("The caption may be at most %(n)d characters.") % {"n": CAPTION_MAX}},
            code="long",
        )
    count = post.photos.count()
    if count >= PHOTOS_MAX:
        raise ValidationError(
            {"image": _("A post holds at most %(n)d photos.") % {"n": PHOTOS_MAX}}, code="many"
        )
    try:
        clean = clean_photo(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}, code="photo") from None
    photo = PostPhoto(post=post, width=clean.width, height=clean.height, caption=caption)
    photo.position = count
    photo.image.save(clean.content.name or "photo.jpg", clean.content, save=False)
    photo.save()
    audit_record(
        actor=actor,
        action="public.photo_add",
        obj=photo,
        region_id=post.region_id,
        object_repr=f"{post.title}: {caption}" if caption else post.title,
        changes={"width": [None, photo.width], "height": [None, photo.height]},
    )
    forget_pages()
    return photo


@transaction.atomic
def photo_remove(*, actor: Actor | None, photo: PostPhoto) -> None:
    """Take a photo off its post; the file goes once the transaction commits."""
    post = photo.post
    if not may_publish(actor, post.region_id):
        raise PermissionDenied(_("You may not publish for this region."))
    name = photo.image.name
    storage = photo.image.storage
    audit_record(
        actor=actor,
        action="public.photo_remove",
        obj=photo,
        region_id=post.region_id,
        object_repr=f"{post.title}: {photo.caption}" if photo.caption else post.title,
    )
    photo.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    forget_pages()
