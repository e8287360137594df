"""The public face's pages: the public home and its sections (no login, cached, no personal
data but consenting volunteers' names), and the staff's editor (login, scoped, audited).

Public pages are rendered without the request (``render_public``): no CSRF token, no user
menu, no messages can end up in a page the cache hands to the next visitor.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from vetserve.core.access import may_publish_somewhere
from vetserve.core.paging import page_of
from vetserve.core.views import AuthedRequest, query_without_page
from vetserve.public import selectors
from vetserve.public.caching import CACHED_PAGES, PAGE_SECONDS, public_page
from vetserve.public.forms import PhotoForm, PostForm
from vetserve.public.models import BODY_MAX, Kind, Post, PostStatus
from vetserve.public.services import photo_add, photo_remove, post_create, post_update
from vetserve.public.text import render as render_markdown

PER_PAGE = 12
HOME_POSTS = 4
# The public lists count and page through their newest rows only (20 pages of 12): a reader
# goes no deeper, and the count and OFFSET stay the same however many posts there are.
PUBLIC_CAP = PER_PAGE * CACHED_PAGES


# The sections of the provincial volunteer portal the story was published on.
SECTIONS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "news": (gettext_lazy("Volunteer news"), (Kind.NEWS, Kind.STORY)),
    "initiatives": (gettext_lazy("Initiative letters"), (Kind.INITIATIVE,)),
    "key-projects": (gettext_lazy("Key projects"), (Kind.KEY_PROJECT,)),
    "experience": (gettext_lazy("Volunteer experience"), (Kind.EXPERIENCE,)),
    "lessons": (gettext_lazy("Volunteer classroom"), (Kind.LESSON,)),
}


def render_public(template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A public page, rendered from its context alone (never the request)."""
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "CORPS_NAME": settings.CORPS_NAME,
        "LANGUAGE_CODE": translation.get_language(),
        "sections": [(slug, title) for slug, (title, _kinds) in SECTIONS.items()],
        **context,
    }
    return HttpResponse(render_to_string(template, context), status=status)


def _with_covers(posts: list[Post]) -> list[tuple[Post, Any]]:
    covers = selectors.cover_photos(posts)
    return [(post, covers.get(post.pk)) for post in posts]


@public_page
def public_home(request: HttpRequest) -> HttpResponse:
    """The corps at a glance for anyone: figures, stories, initiatives, news, what to join,
    the honour rolls and where to check a badge or a proof."""

    def of(*kinds: str) -> list[Post]:
        # One short query per kind, each the head of the (status, kind, publish_at) index: the
        # same few rows read however many posts there are.
        rows = selectors.public_posts(kinds=kinds).defer("body", "body_html")
        return list(rows[:HOME_POSTS])

    stories = of(Kind.STORY)
    context = {
        "figures": selectors.headline_figures(),
        "stories": _with_covers(stories),
        "initiatives": of(Kind.INITIATIVE),
        "news": of(Kind.NEWS),
        "key_projects": of(Kind.KEY_PROJECT),
        "open_activities": list(selectors.open_activities()[:6]),
        "recent_activities": selectors.recent_activities(),
        "honour_roll": selectors.honour_roll(limit=10),
        "team_honours": selectors.team_honours(limit=8),
    }
    return render_public("public/home.html", context)


def _post_list_page(
    request: HttpRequest, rows: QuerySet[Post], title: Any, slug: str
) -> HttpResponse:
    page = page_of(request, rows, PER_PAGE, cap=PUBLIC_CAP)
    context = {
        "title": title,
        "slug": slug,
        "page_obj": page,
        "posts": _with_covers(list(page.object_list)),
        "query": "",
    }
    return render_public("public/section.html", context)


@public_page
def section_page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in SECTIONS:
        raise Http404
    title, kinds = SECTIONS[slug]
    rows = selectors.public_posts(kinds=kinds).defer("body", "body_html")
    return _post_list_page(request, rows, title, slug)


@public_page
def projects_page(request: HttpRequest) -> HttpResponse:
    """志愿项目: campaigns under way and the activities open to join, soonest first."""
    page = page_of(request, selectors.open_activities(), PER_PAGE, cap=PUBLIC_CAP)
    context = {
        "campaigns": selectors.current_campaigns(),
        "page_obj": page,
        "activities": page.object_list,
        "query": "",
        "slug": "projects",
    }
    return render_public("public/projects.html", context)


@public_page
def profiles_page(request: HttpRequest) -> HttpResponse:
    """志愿风采: profiles of volunteers (with their consent) and teams, the teams presented a
    flag beside the volunteers on the honour roll."""
    rows = selectors.public_posts(kinds=(Kind.PROFILE,)).defer("body", "body_html")
    page = page_of(request, rows, PER_PAGE, cap=PUBLIC_CAP)
    context = {
        "page_obj": page,
        "posts": _with_covers(list(page.object_list)),
        "query": "",
        "honour_roll": selectors.honour_roll(),
        "team_honours": selectors.team_honours(),
        "slug": "profiles",
    }
    return render_public("public/profiles.html", context)


@public_page
def post_page(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.public_post(post_id)
    context = {"post": post, "photos": selectors.post_photos(post), "slug": _slug_of(post.kind)}
    return render_public("public/post.html", context)


def _slug_of(kind: str) -> str:
    if kind == Kind.PROFILE:
        return "profiles"
    return next((slug for slug, (_t, kinds) in SECTIONS.items() if kind in kinds), "")


@require_safe
def photo_file(request: HttpRequest, photo_id: int) -> FileResponse:
    """A public post's photo (already stripped of its metadata when uploaded)."""
    photo = selectors.public_photo(photo_id)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    patch_cache_control(response, public=True, max_age=PAGE_SECONDS * 60)
    return response


@require_safe
def verify_page(request: HttpRequest) -> HttpResponse:
    """Where to check a badge or a proof of service: scan its QR code, or type the code printed
    beneath it. The code goes to the badge's or the proof's own check page."""
    kind = request.GET.get("kind", "")
    code = "".join(request.GET.get("code", "").split())[:300]
    if code:
        # A pasted link: its last part is the code.
        code = code.rstrip("/").rsplit("/", 1)[-1]
        if kind == "proof":
            return redirect("proof_verify", token=code)
        if kind == "badge":
            return redirect("badge_verify", token=code)
    response = render_public("public/verify.html", {"slug": "verify", "kind": kind})
    patch_cache_control(response, public=True, max_age=PAGE_SECONDS)
    return response


@require_safe
def language(request: HttpRequest, language: str) -> HttpResponse:
    """The language switch of the public pages: a link, so the cached pages hold no form (and
    no CSRF token); it only sets the language cookie and goes back."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("public:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


# --- the staff's editor -----------------------------------------------------------------------


def _require_publisher(request: AuthedRequest) -> None:
    if not may_publish_somewhere(request.user):
        raise Http404


@login_required
@require_safe
def manage_list(request: AuthedRequest) -> HttpResponse:
    """The posts the user may publish, last changed first, by kind and status."""
    _require_publisher(request)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    page = page_of(request, selectors.post_list(user=request.user, kind=kind, status=status))
    context = {
        "page_obj": page,
        "posts": page.object_list,
        "kinds": Kind.choices,
        "statuses": PostStatus.choices,
        "kind": kind,
        "status": status,
        "query": query_without_page(request),
    }
    return render(request, "public/manage_list.html", context)


def _post_values(form: PostForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "region": data["region"],
        "status": data["status"],
        "publish_at": data["publish_at"],
        "course": data["course"],
        "campaign": data["campaign"],
        "organization": data["organization"],
        "volunteer": data["volunteer"],
    }


def _to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _editor(request: AuthedRequest, post: Post | None) -> HttpResponse:
    user = request.user
    preview = ""
    if request.method == "POST":
        form = PostForm(request.POST, user=user)
        if "preview" in request.POST:
            # Shown as the public page will show it: rendered and sanitised, nothing saved.
            preview = render_markdown(request.POST.get("body", "")[:BODY_MAX])
        elif form.is_valid():
            try:
                if post is None:
                    post = post_create(actor=user, **_post_values(form))
                    messages.success(request, _("Post saved."))
                else:
                    post = post_update(actor=user, post=post, **_post_values(form))
                    messages.success(request, _("Changes saved."))
            except PermissionDenied as error:
                form.add_error("region", str(error))
            except ValidationError as error:
                _to_form(form, error)
            else:
                return redirect("public:edit", post_id=post.pk)
    elif post is None:
        form = PostForm(user=user, initial={"status": PostStatus.DRAFT})
    else:
        form = PostForm(
            user=user,
            initial={
                "kind": post.kind,
                "title": post.title,
                "summary": post.summary,
                "body": post.body,
                "region": post.region_id,
                "status": post.status,
                "publish_at": post.publish_at,
                "course": post.course_id,
                "campaign": post.campaign_id,
                "organization": post.organization_id,
                "volunteer": post.volunteer_id,
            },
        )
    context = {
        "form": form,
        "post": post,
        "preview": preview,
        "photos": selectors.post_photos(post) if post else [],
        "photo_form": PhotoForm() if post else None,
    }
    return render(request, "public/edit.html", context)


@login_required
def post_new(request: AuthedRequest) -> HttpResponse:
    _require_publisher(request)
    return _editor(request, None)


@login_required
def post_edit(request: AuthedRequest, post_id: int) -> HttpResponse:
    return _editor(request, selectors.access_post(request.user, post_id))


@login_required
@require_POST
def photo_upload(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = selectors.access_post(request.user, post_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photo_add(
                actor=request.user,
                post=post,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, _("Photo added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("public:edit", post_id=post.pk)


@login_required
@require_POST
def photo_delete(request: AuthedRequest, photo_id: int) -> HttpResponse:
    photo = selectors.staff_photo(request.user, photo_id)
    post_id = photo.post_id
    try:
        photo_remove(actor=request.user, photo=photo)
    except PermissionDenied as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("Photo removed."))
    return redirect("public:edit", post_id=post_id)


@login_required
@require_safe
def staff_photo_file(request: AuthedRequest, photo_id: int) -> FileResponse:
    """A photo as staff see it in the editor (also a draft's)."""
    photo = selectors.staff_photo(request.user, photo_id)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    patch_cache_control(response, private=True, max_age=0)
    return response


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")
