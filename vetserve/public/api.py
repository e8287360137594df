"""The public face in the API: published posts for anyone (no authentication, as the pages),
and the staff's posts in their scope: list, write, change. Photos are uploaded on the page."""

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints

from vetserve.activities.models import Campaign
from vetserve.core.access import CHANGE, VIEW, visible_to
from vetserve.core.api import (
    ERRORS,
    URL_TOO_LONG,
    ErrorOut,
    Id,
    MappedRows,
    Moment,
    Paged,
    PathId,
    Payload,
    one_of,
    user_of,
)
from vetserve.orgs.models import Organization
from vetserve.people.models import Volunteer
from vetserve.public import selectors
from vetserve.public.models import BODY_MAX, SUMMARY_MAX, TITLE_MAX, Kind, Post, PostStatus
from vetserve.public.services import post_create, post_update
from vetserve.regions.selectors import access_region
from vetserve.skills.models import Course

router = Router(tags=["public"])


class PublicPhotoOut(Schema):
    url: str
    width: int
    height: int
    caption: str


class PublicPostOut(Schema):
    id: int
    kind: str = Field(
        description="news, story, initiative, key_project, experience, lesson, profile"
    )
    title: str
    summary: str
    region: str = Field(description="The region the post is published for, by name")
    publish_at: datetime
    url: str = Field(description="The post's public page")


class PublicPostDetailOut(PublicPostOut):
    body_html: str = Field(description="Sanitised HTML (an allow-list of tags, no script)")
    photos: list[PublicPhotoOut]
    course: str = Field(description="The training course a lesson prepares for, or empty")
    campaign: str


class StaffPostOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    body: str = Field(description="Markdown, as written")
    region_code: str
    status: str = Field(description="draft or published")
    publish_at: datetime | None
    course_id: int | None
    campaign_id: int | None
    organization_id: int | None
    volunteer_id: int | None
    updated_at: datetime


class PublicPostFilter(Schema):
    kind: Annotated[Kind, one_of(Kind)] | None = None


class StaffPostFilter(Schema):
    kind: Annotated[Kind, one_of(Kind)] | None = None
    status: Annotated[PostStatus, one_of(PostStatus)] | None = None


class PostIn(Payload):
    kind: Annotated[Kind, one_of(Kind)]
    title: Annotated[str, StringConstraints(min_length=1, max_length=TITLE_MAX)]
    summary: Annotated[str, StringConstraints(max_length=SUMMARY_MAX)] = ""
    body: Annotated[str, StringConstraints(min_length=1, max_length=BODY_MAX)]
    region_code: Annotated[str, StringConstraints(pattern=r"^\d{2,12}$")]
    status: Annotated[PostStatus, one_of(PostStatus)] = PostStatus.DRAFT
    publish_at: Moment | None = Field(None, description="Empty: now, when published")
    course_id: Id | None = None
    campaign_id: Id | None = None
    organization_id: Id | None = None
    volunteer_id: Id | None = Field(
        None, description="A profile's volunteer: only with their consent to publication"
    )


def _public_out(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "kind": post.kind,
        "title": post.title,
        "summary": post.summary,
        "region": post.region.name,
        "publish_at": post.publish_at,
        "url": reverse("public:post", args=[post.pk]),
    }


def _staff_out(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "kind": post.kind,
        "title": post.title,
        "summary": post.summary,
        "body": post.body,
        "region_code": post.region.code,
        "status": post.status,
        "publish_at": post.publish_at,
        "course_id": post.course_id,
        "campaign_id": post.campaign_id,
        "organization_id": post.organization_id,
        "volunteer_id": post.volunteer_id,
        "updated_at": post.updated_at,
    }


@router.get(
    "/public/posts",
    response={200: list[PublicPostOut], 422: ErrorOut, **URL_TOO_LONG},
    auth=None,
    summary="Public: published posts, newest first (no authentication)",
)
@paginate(Paged)
def public_posts_list(request: HttpRequest, filters: Query[PublicPostFilter]) -> Any:
    kinds = (filters.kind,) if filters.kind else ()
    return MappedRows(selectors.public_posts(kinds=kinds), _public_out)


@router.get(
    "/public/posts/{post_id}",
    response={200: PublicPostDetailOut, 404: ErrorOut, 422: ErrorOut, **URL_TOO_LONG},
    auth=None,
    summary="Public: one published post with its photos (no authentication)",
)
def public_posts_get(request: HttpRequest, post_id: PathId) -> dict[str, Any]:
    post = selectors.public_post(post_id)
    return {
        **_public_out(post),
        "body_html": post.body_html,
        "photos": [
            {
                "url": reverse("public:photo", args=[photo.pk]),
                "width": photo.width,
                "height": photo.height,
                "caption": photo.caption,
            }
            for photo in selectors.post_photos(post)
        ],
        "course": post.course.name if post.course else "",
        "campaign": post.campaign.name if post.campaign else "",
    }


@router.get("/posts", response={200: list[StaffPostOut], **ERRORS}, summary="Posts I may publish")
@paginate(Paged)
def posts_list(request: HttpRequest, filters: Query[StaffPostFilter]) -> Any:
    rows = selectors.post_list(
        user=user_of(request), kind=filters.kind or "", status=filters.status or ""
    )
    return MappedRows(rows, _staff_out)


@router.get("/posts/{post_id}", response={200: StaffPostOut, **ERRORS}, summary="One post")
def posts_get(request: HttpRequest, post_id: PathId) -> dict[str, Any]:
    return _staff_out(selectors.access_post(user_of(request), post_id))


def _values(request: HttpRequest, payload: PostIn) -> dict[str, Any]:
    """The payload's ids as the objects the user may choose (as the form's querysets)."""
    user = user_of(request)

    def pick(model: Any, pk: int | None, field: str) -> Any:
        if pk is None:
            return None
        found = visible_to(user, model, VIEW).filter(pk=pk).first()
        if found is None:
            raise ValidationError({field: _("Not something you may choose here.")})
        return found

    return {
        "kind": payload.kind,
        "title": payload.title,
        "summary": payload.summary,
        "body": payload.body,
        "region": access_region(user, payload.region_code, CHANGE),
        "status": payload.status,
        "publish_at": payload.publish_at,
        "course": pick(Course, payload.course_id, "course_id"),
        "campaign": pick(Campaign, payload.campaign_id, "campaign_id"),
        "organization": pick(Organization, payload.organization_id, "organization_id"),
        "volunteer": pick(Volunteer, payload.volunteer_id, "volunteer_id"),
    }


@router.post("/posts", response={201: StaffPostOut, **ERRORS}, summary="Write a post")
def posts_create(request: HttpRequest, payload: PostIn) -> Status[dict[str, Any]]:
    post = post_create(actor=user_of(request), **_values(request, payload))
    return Status(201, _staff_out(post))


@router.put("/posts/{post_id}", response={200: StaffPostOut, **ERRORS}, summary="Change a post")
def posts_update(request: HttpRequest, post_id: PathId, payload: PostIn) -> dict[str, Any]:
    user = user_of(request)
    post = selectors.access_post(user, post_id)
    post = post_update(actor=user, post=post, **_values(request, payload))
    return _staff_out(post)
