"""Benchmark: the public pages' server time — the public home, a section, the profiles and
honour rolls, the open activities and a post — on the demo city (5,173 volunteers, 2,790
activities and their ledger) plus ``--posts`` extra published posts.

    uv run python bench/public.py [--posts 10000] [--runs 30]

On a temporary SQLite file: ``demo_build()``, then ``--posts`` posts in bulk. Each page is
requested through Django's test client as an anonymous visitor, "cold" (the cache emptied
before every request: every query runs, the headline figures included) and "warm" (served from
the page cache, as every visitor but the first in a minute is). Median and 95th percentile of
``--runs`` requests after 3 warm-ups, in ms; the target is ≤ 50 ms (issue 18). Runs in a child
process. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _shared import timed_ms

from vetserve.core.crypto import new_key as _key

ROOT = Path(__file__).resolve().parent.parent


def child(posts: int, runs: int) -> dict[str, object]:
    import django

    django.setup()
    from datetime import timedelta

    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from vetserve.demo.builder import demo_build
    from vetserve.public.models import Kind, Post, PostStatus
    from vetserve.public.text import render
    from vetserve.regions.models import Region

    call_command("migrate", verbosity=0)
    demo_build()
    city = Region.objects.get(code="130700")
    kinds = [k.value for k in Kind if k != Kind.PROFILE]
    now = timezone.now()
    html = render("**正文**，第一段。\n\n第二段。")
    Post.objects.bulk_create(
        (
            Post(
                kind=kinds[i % len(kinds)], title=f"测试文章{i}", summary="摘要", body="正文",
                body_html=html, region=city, status=PostStatus.PUBLISHED,
                publish_at=now - timedelta(minutes=i),
            )
            for i in range(posts)
        ),
        batch_size=2000,
    )  # fmt: skip
    post = Post.objects.filter(status=PostStatus.PUBLISHED).order_by("-publish_at").first()
    assert post is not None
    client = Client()
    pages = {
        "public home /": "/",
        "news section": "/public/news/",
        "news section, page 50": "/public/news/?page=50",
        "profiles and honour rolls": "/public/profiles/",
        "open activities": "/public/projects/",
        "one post": f"/public/posts/{post.pk}/",
    }
    result: dict[str, object] = {"posts": Post.objects.count()}

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    for label, url in pages.items():

        def cold(url: str = url) -> None:
            cache.clear()
            get(url)

        result[label] = {
            "cold": timed_ms(cold, runs),
            "warm": timed_ms(lambda url=url: get(url), runs),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.posts, args.runs)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="vetserve.settings",
            VETSERVE_DEBUG="0",
            VETSERVE_SECRET_KEY=_key(),
            VETSERVE_DATA_KEYS=f"b1:{_key()}",
            VETSERVE_DATA_KEY_ID="b1",
            VETSERVE_BLIND_INDEX_KEY=_key(),
            VETSERVE_VAR_DIR=str(workdir / "var"),
            VETSERVE_ALLOWED_HOSTS="testserver",
            VETSERVE_STATIC_MANIFEST="0",
            DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        )
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--posts", str(args.posts),
             "--runs", str(args.runs)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    posts = result.pop("posts")
    print(f"public pages, SQLite, the demo city and {posts:,} posts, anonymous "
          "(median / p95, ms; target ≤ 50)")  # fmt: skip
    print(f"  {'page':<28} {'cold':>17} {'warm (cached)':>17}")
    for label, times in result.items():
        cold, warm = times["cold"], times["warm"]  # type: ignore[index]
        print(f"  {label:<28} {cold[0]:8.1f} {cold[1]:8.1f} {warm[0]:8.1f} {warm[1]:8.1f}")


if __name__ == "__main__":
    main()
