"""Benchmark: the public pages' server time — the public home, a section, the profiles and
honour rolls, the open activities and a post — on the demo city (5,173 volunteers, 2,790
activities and their ledger) plus ``--posts`` extra published posts.

    uv run python bench/public.py [--posts 10000] [--runs 30]

On a temporary SQLite file: ``demo_build()``, then ``--posts`` posts in bulk. Each page is
requested through Django's test client as an anonymous visitor in a fresh process: "cold" (the
cache emptied before every request: every query runs, the headline figures included), "after a
publish" (the pages forgotten as a post write forgets them; the figures, cached for ten
minutes, stay) and "cached" (served from the page cache, as every visitor but the first in a
minute is). Median and 95th percentile of
``--runs`` requests after 3 warm-ups, in ms; the target is ≤ 50 ms (issue 18). Runs in a child
process. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _shared import timed_ms

from vetserve.core.crypto import new_key as _key

ROOT = Path(__file__).resolve().parent.parent


def build(posts: int) -> None:
    """The data, in a process of its own: the demo builder leaves a large heap behind, whose
    garbage collections would be timed with the pages (a server's worker starts without it)."""
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
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


def cpu_ms(fn: Any, runs: int) -> tuple[float, float]:
    """As ``timed_ms``, in the process's CPU time: on a shared machine the wall clock also counts
    the time spent waiting for a core (SQLite runs in-process, so its work is counted)."""
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        started = time.process_time()
        fn()
        times.append((time.process_time() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def child(runs: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from vetserve.public.caching import GENERATION_KEY, _bump
    from vetserve.public.models import Post, PostStatus

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

        def miss(url: str = url) -> None:
            # What a publish does: the pages are forgotten, the figures stay cached.
            _bump(GENERATION_KEY)
            get(url)

        def warm(url: str = url) -> None:
            get(url)

        result[label] = {
            "cold": timed_ms(cold, runs),
            "miss": timed_ms(miss, runs),
            "warm": timed_ms(warm, runs),
            "cold_cpu": cpu_ms(cold, runs),
            "miss_cpu": cpu_ms(miss, runs),
            "warm_cpu": cpu_ms(warm, runs),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--child", choices=["build", "measure"])
    args = parser.parse_args()
    if args.child == "build":
        build(args.posts)
        return
    if args.child == "measure":
        print(json.dumps(child(args.runs)))
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
        for step in ("build", "measure"):
            done = subprocess.run(
                [sys.executable, __file__, "--child", step, "--posts", str(args.posts),
                 "--runs", str(args.runs)],
                env=env, cwd=ROOT, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    posts = result.pop("posts")
    print(f"public pages, SQLite, the demo city and {posts:,} posts, anonymous "
          "(median / p95, ms; target ≤ 50)")  # fmt: skip
    print("  cold: every cache empty; after a publish: the pages forgotten, the figures and")
    print("  counts still cached; cached: the page from the cache")
    for title, keys in (
        ("wall clock", ("cold", "miss", "warm")),
        ("CPU time of the process", ("cold_cpu", "miss_cpu", "warm_cpu")),
    ):
        print(f"  {title}:")
        print(f"  {'page':<28} {'cold':>17} {'after a publish':>17} {'cached':>17}")
        for label, times in result.items():
            cells = " ".join(f"{times[k][0]:8.1f} {times[k][1]:8.1f}" for k in keys)  # type: ignore[index]
            print(f"  {label:<28} {cells}")


if __name__ == "__main__":
    main()
