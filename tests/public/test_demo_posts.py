"""The demo's public face: the season's posts, a draft, photos, and names on the honour roll."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.conftest import make_user
from vetserve.demo.builder import BuildContext
from vetserve.demo.public import step_public
from vetserve.public.models import Post, PostPhoto


def test_the_demo_step_publishes_the_seasons_posts_with_photos_and_a_hidden_draft(
    cast: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    admin = make_user("admin")
    admin.is_superuser = True
    admin.save()
    step_public(BuildContext(seed=1))
    assert Post.objects.filter(status="published").count() == 9
    assert set(Post.objects.values_list("kind", flat=True)) == {
        "news", "story", "initiative", "key_project", "experience", "lesson", "profile",
    }  # fmt: skip
    assert PostPhoto.objects.count() == 3
    page = Client().get("/").content.decode()
    assert "一天清雪八千平方米" in page and "倡议书" in page
    assert "（草稿）" not in page
    # Both volunteers of the test world have hours; the demo's consent names them.
    assert "李卫东" in Client().get("/public/profiles/").content.decode()
