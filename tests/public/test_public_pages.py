"""The public face: anyone reads published posts, the figures, what is open to join and the
honour rolls; drafts, scheduled posts and people who did not consent stay off it; staff publish
only for their own region; photos lose their location data; cached pages hold nothing of one
visitor."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.conftest import login
from tests.public.conftest import LI_PHONE
from vetserve.audit.models import AuditEntry
from vetserve.people.models import Consent
from vetserve.people.services import consent_record
from vetserve.public.models import Kind, Post, PostPhoto, PostStatus
from vetserve.public.services import post_create


def _post(actor: Any, region: Any, title: str, **extra: Any) -> Post:
    values: dict[str, Any] = {
        "kind": Kind.STORY,
        "body": "张家口退役军人志愿者在太子城清雪八千平方米。",
        "status": PostStatus.PUBLISHED,
    }
    values.update(extra)
    return post_create(actor=actor, region=region, title=title, **values)


def _form(region: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "kind": "news",
        "title": "冬奥志愿服务启动",
        "summary": "",
        "body": "正文",
        "region": region.pk,
        "status": "published",
        "publish_at": "",
        "course": "",
        "campaign": "",
        "organization": "",
        "volunteer": "",
        "save": "1",
    }
    data.update(extra)
    return data


# --- anyone reads ------------------------------------------------------------------------------


def test_an_anonymous_visitor_gets_the_public_home_at_the_root(cast: Any, world: Any) -> None:
    _post(cast.bob, cast.chongli, "崇礼老兵扫雪记")
    response = Client().get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "崇礼老兵扫雪记" in page
    assert "太子城场馆除雪" in page  # a recent activity
    assert reverse("public:verify") in page
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]


def test_a_signed_in_person_still_lands_on_their_own_home(cast: Any) -> None:
    page = login(Client(), cast.bob).get("/").content.decode()
    assert 'id="home-roles"' in page
    assert reverse("public:manage") in page  # the editor, one tap from Bob's home


def test_drafts_and_posts_not_yet_due_stay_hidden(cast: Any) -> None:
    _post(cast.bob, cast.chongli, "已发布的新闻", kind=Kind.NEWS)
    draft = _post(cast.bob, cast.chongli, "草稿新闻", kind=Kind.NEWS, status=PostStatus.DRAFT)
    later = _post(
        cast.bob, cast.chongli, "明天的新闻", kind=Kind.NEWS,
        publish_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    client = Client()
    news = client.get(reverse("public:section", args=["news"])).content.decode()
    assert "已发布的新闻" in news
    assert "草稿新闻" not in news and "明天的新闻" not in news
    assert client.get(reverse("public:post", args=[draft.pk])).status_code == 404
    assert client.get(reverse("public:post", args=[later.pk])).status_code == 404
    assert Client().get(reverse("public:section", args=["nonsense"])).status_code == 404


@pytest.mark.parametrize("slug", ["news", "initiatives", "key-projects", "experience", "lessons"])
def test_every_section_lists_its_own_kinds(cast: Any, slug: str) -> None:
    kinds = {
        "news": Kind.NEWS, "initiatives": Kind.INITIATIVE, "key-projects": Kind.KEY_PROJECT,
        "experience": Kind.EXPERIENCE, "lessons": Kind.LESSON,
    }  # fmt: skip
    _post(cast.alice, cast.city, f"本栏文章{slug}", kind=kinds[slug])
    _post(cast.alice, cast.city, "别栏文章", kind=Kind.PROFILE, organization=cast.rescue)
    page = Client().get(reverse("public:section", args=[slug])).content.decode()
    assert f"本栏文章{slug}" in page and "别栏文章" not in page


def test_open_activities_point_volunteers_to_log_in_and_newcomers_to_registration(
    cast: Any, world: Any
) -> None:
    world.activity.status = "published"
    world.activity.starts_at = timezone.now() + timedelta(days=2)
    world.activity.ends_at = timezone.now() + timedelta(days=2, hours=4)
    world.activity.save()
    page = Client().get(reverse("public:projects")).content.decode()
    assert "太子城场馆除雪" in page
    login_link = reverse("accounts:login") + "?next=" + reverse("activities:list")
    assert login_link in page
    assert "乡镇退役军人服务站" in page  # where newcomers register
    assert "张队长" not in page  # the person in charge is not published


def test_a_lesson_links_to_the_training_course_it_prepares_for(cast: Any) -> None:
    from decimal import Decimal

    from vetserve.skills.models import Course

    course = Course.objects.create(
        name="应急救护培训", study_hours=Decimal("8"), organizer=cast.city_fed
    )
    post = _post(cast.alice, cast.city, "心肺复苏要点", kind=Kind.LESSON, course=course)
    page = Client().get(reverse("public:post", args=[post.pk])).content.decode()
    assert "应急救护培训" in page


# --- consent and personal data ----------------------------------------------------------------


def test_the_honour_roll_names_consenting_volunteers_only(cast: Any, world: Any) -> None:
    page = Client().get(reverse("public:profiles")).content.decode()
    assert "王建国" in page
    assert "李卫东" not in page


def test_a_cached_public_page_holds_nobody_who_did_not_consent_and_nothing_of_the_visitor(
    cast: Any, world: Any
) -> None:
    _post(cast.bob, cast.chongli, "崇礼老兵扫雪记")
    login(Client(), cast.bob).get(reverse("public:home"))  # a signed-in visit first
    anonymous = Client()
    first = anonymous.get(reverse("public:home"))
    second = anonymous.get(reverse("public:home"))  # from the cache
    assert first.content == second.content
    for response in (first, second):
        page = response.content.decode()
        assert "李卫东" not in page and LI_PHONE not in page
        assert world.li.id_number_masked not in page
        assert not re.search(r"\d{17}[\dXx]", page)  # no ID number at all
        assert "csrfmiddlewaretoken" not in page and "bob" not in page
        assert "csrftoken" not in response.cookies
    assert "王建国" in first.content.decode()


def test_a_cached_public_page_is_served_without_a_query(
    cast: Any, world: Any, django_assert_num_queries: Any
) -> None:
    client = Client()
    client.get(reverse("public:home"))
    with django_assert_num_queries(0):
        assert client.get(reverse("public:home")).status_code == 200


def test_a_profile_needs_the_volunteers_consent_and_goes_when_it_is_withdrawn(
    cast: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(Client(), cast.bob)
    refused = client.post(
        reverse("public:new"),
        _form(cast.chongli, kind="profile", title="李卫东的故事", volunteer=world.li.pk),
    )
    assert refused.status_code == 200
    assert "同意" in refused.content.decode()
    assert not Post.objects.filter(title="李卫东的故事").exists()

    profile = _post(cast.bob, cast.chongli, "王建国的故事", kind=Kind.PROFILE, volunteer=world.wang)
    anonymous = Client()
    assert anonymous.get(reverse("public:post", args=[profile.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        consent_record(
            actor=cast.bob, volunteer=world.wang, purpose=Consent.Purpose.PUBLICATION,
            granted=False, text_version="2022-1",
        )  # fmt: skip
    assert anonymous.get(reverse("public:post", args=[profile.pk])).status_code == 404
    page = anonymous.get(reverse("public:profiles")).content.decode()
    assert "王建国" not in page


# --- the sanitiser ----------------------------------------------------------------------------


def test_the_sanitiser_removes_scripts_handlers_and_javascript_links(cast: Any) -> None:
    body = (
        "## 标题\n\n**加粗**的文字\n\n<script>alert('x')</script>\n\n"
        '<img src=x onerror="alert(1)">\n\n[点我](javascript:alert(1))\n\n'
        '<a href="javascript:alert(2)" onclick="steal()">链接</a>\n\n<iframe src="https://x"></iframe>'
    )
    post = _post(cast.bob, cast.chongli, "带脚本的文章", body=body)
    html = post.body_html.lower()
    for bad in (
        "<script",
        "alert('x')",
        "onerror",
        "onclick",
        'href="javascript',
        "<iframe",
        "<img",
    ):
        assert bad not in html
    assert "<h2>" in html and "<strong>" in html
    page = Client().get(reverse("public:post", args=[post.pk])).content.decode().lower()
    assert "<script>alert" not in page and 'href="javascript' not in page


def test_a_line_break_between_chinese_characters_leaves_no_gap(cast: Any) -> None:
    post = _post(
        cast.bob, cast.chongli, "换行", body="铺满了积雪。\n场地狭窄，\nmachines\n开不进去。"
    )
    assert post.body_html == "<p>铺满了积雪。场地狭窄，\nmachines\n开不进去。</p>\n"


def test_the_preview_shows_the_sanitised_text_and_saves_nothing(cast: Any) -> None:
    client = login(Client(), cast.bob)
    data = _form(cast.chongli, body="**预览**<script>alert(1)</script>")
    data.pop("save")
    data["preview"] = "1"
    page = client.post(reverse("public:new"), data).content.decode()
    assert "<strong>预览</strong>" in page
    assert "<script>alert(1)" not in page
    assert not Post.objects.exists()


# --- staff and their scope --------------------------------------------------------------------


def test_a_county_publishes_for_its_county_and_the_city_for_all(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    bob = login(Client(), cast.bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = bob.post(reverse("public:new"), _form(cast.chongli, title="崇礼新闻"))
    post = Post.objects.get(title="崇礼新闻")
    assert response.status_code == 302
    assert post.region_id == cast.chongli.pk and post.publish_at is not None
    refused = bob.post(reverse("public:new"), _form(cast.zhangbei, title="张北新闻"))
    assert refused.status_code == 200 and not Post.objects.filter(title="张北新闻").exists()
    assert "不是您在此可选的项" in refused.content.decode() or "选择" in refused.content.decode()
    alice = login(Client(), cast.alice)
    alice.post(reverse("public:new"), _form(cast.city, title="全市新闻"))
    assert Post.objects.filter(title="全市新闻", region=cast.city).exists()
    # The neighbour neither lists nor opens Bob's post; Alice (the city) does.
    carol = login(Client(), cast.carol)
    assert "崇礼新闻" not in carol.get(reverse("public:manage")).content.decode()
    assert carol.get(reverse("public:edit", args=[post.pk])).status_code == 404
    assert alice.get(reverse("public:edit", args=[post.pk])).status_code == 200
    # A change is audited, with what changed.
    bob.post(reverse("public:edit", args=[post.pk]), _form(cast.chongli, title="崇礼新闻（更正）"))
    entry = AuditEntry.objects.filter(action="public.post_update").latest("id")
    assert entry.changes["title"] == ["崇礼新闻", "崇礼新闻（更正）"]
    assert AuditEntry.objects.filter(action="public.post_create").count() == 2


@pytest.mark.parametrize("who", ["dave", "erin", "frank", "mallory"])
def test_people_who_administer_no_region_have_no_editor(cast: Any, who: str) -> None:
    client = login(Client(), getattr(cast, who))
    assert client.get(reverse("public:manage")).status_code == 404
    assert client.get(reverse("public:new")).status_code == 404
    assert client.post(reverse("public:new"), _form(cast.chongli)).status_code == 404
    assert not Post.objects.exists()


def test_the_editor_refuses_bad_input_in_words_and_keeps_what_was_typed(cast: Any) -> None:
    client = login(Client(), cast.bob)
    response = client.post(reverse("public:new"), _form(cast.chongli, title="", body="留着的正文"))
    page = response.content.decode()
    assert response.status_code == 200 and "留着的正文" in page
    assert "这个字段是必填项" in page or "标题" in page
    too_long = client.post(reverse("public:new"), _form(cast.chongli, body="长" * 20_001))
    assert too_long.status_code == 200 and not Post.objects.exists()


# --- photos -------------------------------------------------------------------------------------


def _jpeg_with_gps(size: tuple[int, int] = (2400, 1200)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (40.0, 58.0, 12.0), 3: "E", 4: (115.0, 16.0, 48.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the GPS is really there
    return data


def test_a_photo_comes_out_resized_and_without_exif_or_gps(
    cast: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    post = _post(cast.bob, cast.chongli, "带照片的故事")
    client = login(Client(), cast.bob)
    upload = SimpleUploadedFile("snow.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        reverse("public:photo_upload", args=[post.pk]), {"image": upload, "caption": "清雪现场"}
    )
    assert response.status_code == 302
    photo = PostPhoto.objects.get(post=post)
    assert (photo.width, photo.height) == (1600, 800)
    stored = photo.image.open("rb").read()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()
    assert "exif" not in image.info and b"Exif" not in stored and b"PhoneMaker" not in stored
    served = Client().get(reverse("public:photo", args=[photo.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == stored
    assert AuditEntry.objects.filter(action="public.photo_add").exists()
    # Removing it is audited too, and the public address then answers 404.
    client.post(reverse("public:photo_remove", args=[photo.pk]))
    assert not PostPhoto.objects.exists()
    assert AuditEntry.objects.filter(action="public.photo_remove").exists()


def test_a_file_that_is_no_photo_is_refused_in_words(
    cast: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    post = _post(cast.bob, cast.chongli, "带照片的故事")
    client = login(Client(), cast.bob)
    upload = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff not really", content_type="image/jpeg")
    response = client.post(
        reverse("public:photo_upload", args=[post.pk]), {"image": upload}, follow=True
    )
    assert "JPG" in response.content.decode()
    assert not PostPhoto.objects.exists()


def test_a_drafts_photo_is_not_public(cast: Any, settings: Any, tmp_path: Any) -> None:
    from vetserve.public.services import photo_add

    settings.MEDIA_ROOT = tmp_path
    draft = _post(cast.bob, cast.chongli, "草稿", status=PostStatus.DRAFT)
    upload = SimpleUploadedFile("a.jpg", _jpeg_with_gps((40, 20)), content_type="image/jpeg")
    photo = photo_add(actor=cast.bob, post=draft, upload=upload)
    assert Client().get(reverse("public:photo", args=[photo.pk])).status_code == 404
    assert (
        login(Client(), cast.bob).get(reverse("public:staff_photo", args=[photo.pk])).status_code
        == 200
    )
    assert (
        login(Client(), cast.carol).get(reverse("public:staff_photo", args=[photo.pk])).status_code
        == 404
    )


# --- speed: constant queries --------------------------------------------------------------------


def test_the_public_pages_take_the_same_number_of_queries_for_few_posts_and_many(
    cast: Any, world: Any, settings: Any, tmp_path: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vetserve.public.services import photo_add

    settings.MEDIA_ROOT = tmp_path

    def counts() -> list[int]:
        found = []
        for url in (
            reverse("public:home"), reverse("public:section", args=["news"]),
            reverse("public:profiles"), reverse("public:projects"),
        ):  # fmt: skip
            from django.core.cache import cache

            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                assert Client().get(url).status_code == 200
            found.append(len(queries))
        return found

    def add(n: int) -> None:
        for i in range(n):
            post = _post(
                cast.bob, cast.chongli, f"文章{i}", kind=Kind.NEWS if i % 2 else Kind.STORY
            )
            upload = SimpleUploadedFile(
                "a.jpg", _jpeg_with_gps((40, 20)), content_type="image/jpeg"
            )
            photo_add(actor=cast.bob, post=post, upload=upload)

    add(2)
    few = counts()
    add(10)
    assert counts() == few


def test_the_language_switch_sets_the_cookie_and_goes_back_only_to_this_site(cast: Any) -> None:
    client = Client()
    response = client.get(reverse("public:language", args=["en"]) + "?next=/public/news/")
    assert response.status_code == 302 and response["Location"] == "/public/news/"
    assert response.cookies["django_language"].value == "en"
    assert "Volunteer news" in client.get("/public/news/").content.decode()
    away = client.get(reverse("public:language", args=["en"]) + "?next=https://evil.example/")
    assert away["Location"] == reverse("public:home")


def test_the_verify_page_sends_a_typed_code_to_the_badge_or_proof_check(cast: Any) -> None:
    client = Client()
    assert client.get(reverse("public:verify")).status_code == 200
    badge = client.get(reverse("public:verify"), {"kind": "badge", "code": " ABC:def "})
    assert badge["Location"] == reverse("badge_verify", args=["ABC:def"])
    proof = client.get(
        reverse("public:verify"), {"kind": "proof", "code": "https://x/verify/proof/T0K"}
    )
    assert proof["Location"] == reverse("proof_verify", args=["T0K"])


# --- the API ----------------------------------------------------------------------------------


def test_the_api_gives_anyone_published_posts_only(cast: Any) -> None:
    shown = _post(cast.bob, cast.chongli, "公开的新闻", kind=Kind.NEWS)
    draft = _post(cast.bob, cast.chongli, "草稿", kind=Kind.NEWS, status=PostStatus.DRAFT)
    client = Client()
    listed = client.get("/api/v1/public/posts", {"kind": "news"}).json()
    assert [item["title"] for item in listed["items"]] == ["公开的新闻"]
    assert client.get(f"/api/v1/public/posts/{shown.pk}").json()["body_html"].startswith("<p>")
    assert client.get(f"/api/v1/public/posts/{draft.pk}").status_code == 404


def test_the_api_lets_staff_publish_in_their_scope_only(cast: Any) -> None:
    import json

    bob = login(Client(), cast.bob)
    body = {
        "kind": "initiative", "title": "致全市退役军人的倡议书", "body": "**倡议**",
        "region_code": cast.chongli.code, "status": "published",
    }  # fmt: skip
    made = bob.post("/api/v1/posts", json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    post_id = made.json()["id"]
    assert Post.objects.get(pk=post_id).body_html == "<p><strong>倡议</strong></p>\n"
    elsewhere = {**body, "region_code": cast.zhangbei.code}
    refused = bob.post("/api/v1/posts", json.dumps(elsewhere), content_type="application/json")
    assert refused.status_code == 404
    too_long = {**body, "title": "长" * 121}
    assert (
        bob.post("/api/v1/posts", json.dumps(too_long), content_type="application/json")
    ).status_code == 422
    carol = login(Client(), cast.carol)
    assert carol.get(f"/api/v1/posts/{post_id}").status_code == 404
    assert post_id not in [p["id"] for p in carol.get("/api/v1/posts").json()["items"]]
    changed = bob.put(
        f"/api/v1/posts/{post_id}",
        json.dumps({**body, "status": "draft"}),
        content_type="application/json",
    )
    assert changed.json()["status"] == "draft"
    assert Client().get(f"/api/v1/public/posts/{post_id}").status_code == 404
