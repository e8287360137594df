"""Links only to what the viewer may open: from each role's home, follow every link of every
page reached (a page limit, and a few pages per URL shape) and fail on any link that answers
404, 403 or 500, or sends a logged-in person to the login page (issue 13).

The world: the shared cast and the home fixtures, plus what the walk-through found links into
404 through — a city campaign whose activity lies in 西湾子镇 (Tina's township), a team whose
parent federation its leader cannot see (Dave's), a training session of 崇礼's federation a
volunteer is enrolled on (Erin's 赵丽) — and a badge, a qualification expiring, a correction
request and an auto-closed stay, so the work queue's lists have rows.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login, make_user
from tests.conftest import register_volunteer as register
from vetserve.accounts.models import Role
from vetserve.activities.models import Activity, SignUp, SignUpState, Status
from vetserve.activities.services.campaigns import campaign_create
from vetserve.attendance.models import Attendance
from vetserve.badges.services import badge_issue
from vetserve.people.services.consents import correction_request_create
from vetserve.skills.models import Enrolment, Qualification, QualificationType
from vetserve.skills.services.training import course_create, session_create

# Pages each role may reach from home before the crawl stops; with a few pages per URL shape
# (ids folded) that covers every kind of page the role is offered.
PAGE_LIMIT = 120
PER_SHAPE = 2
# Not pages: files, the language switch, the admin site, the public badge check (throttled),
# the API.
SKIP = re.compile(
    r"^/(static|media|i18n|django-admin|api|v/)|\.(xlsx|pdf|csv|zip|js|ico|svg)$|/pdf/$"
    r"|/export/|/download/|/template"
)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def shape(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + ("?" if parts.query else "")


def crawl(client: Client) -> tuple[list[str], set[str]]:
    """Broken links as "page -> link: status", and the pages visited."""
    start = reverse("home:home")
    queue: list[tuple[str, str]] = [(start, "(home)")]
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    broken: list[str] = []
    while queue and len(seen) < PAGE_LIMIT:
        url, source = queue.pop(0)
        if url in seen:
            continue
        key = shape(url)
        if shapes.get(key, 0) >= PER_SHAPE:
            continue
        shapes[key] = shapes.get(key, 0) + 1
        seen.add(url)
        response = client.get(url)
        status = response.status_code
        if status in (301, 302):
            target = response["Location"]
            if reverse("accounts:login") in target:
                broken.append(f"{source} -> {url}: sends to the login page")
            else:
                queue.append((urljoin(url, target), source))
            continue
        if status >= 400:
            broken.append(f"{source} -> {url}: {status}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("#", "mailto:", "tel:")):
                continue
            target = urljoin(url, href).split("#")[0]
            if not SKIP.search(urlsplit(target).path) and target not in seen:
                queue.append((target, url))
    return broken, seen


@pytest.fixture
def world(cast: Any, homes: Any) -> Any:
    now = timezone.now()
    today = timezone.localdate()
    # A city campaign with an activity in 西湾子镇: Tina sees the activity, not the campaign.
    campaign = campaign_create(
        actor=cast.alice,
        organization=cast.city_fed,
        name="冬奥城市志愿服务",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    Activity.objects.create(
        title="西湾子镇冬奥宣传",
        category="civility",
        organization=cast.xiwanzi_team,
        region=cast.xiwanzi,
        campaign=campaign,
        place="西湾子镇广场",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=4),
        status=Status.PUBLISHED,
    )
    # Wang of Dave's team, with a login and a badge, signed up on Dave's shift.
    wang = register(cast.bob, cast.rescue, name="王建国", serial=1)
    wang.user = make_user("wang", (Role.VOLUNTEER, cast.rescue))
    wang.save(update_fields=["user"])
    badge_issue(actor=cast.bob, volunteer=wang)
    SignUp.objects.create(
        shift=homes.dave_shift, volunteer=wang, state=SignUpState.CONFIRMED, confirmed_at=now
    )
    # A training session of 崇礼's federation, Erin's 赵丽 enrolled on it.
    course = course_create(
        actor=cast.bob, organizer=cast.chongli_fed, name="应急救护培训", study_hours=Decimal(8)
    )
    session = session_create(
        actor=cast.bob, course=course, date=today - timedelta(days=10), place="崇礼区", capacity=30
    )
    Enrolment.objects.create(session=session, volunteer=homes.zhao)
    kind = QualificationType.objects.first()
    if kind is not None:
        Qualification.objects.create(
            volunteer=wang,
            type=kind,
            issued_on=today - timedelta(days=300),
            expires_on=today + timedelta(days=10),
        )
    correction_request_create(volunteer=homes.zhao, message="电话号码已更换")
    # An auto-closed stay on yesterday's shift: an attendance exception.
    past = SignUp.objects.filter(volunteer=homes.zhao, shift__ends_at__lt=now).first()
    assert past is not None
    Attendance.objects.create(
        signup=past,
        shift=past.shift,
        volunteer=homes.zhao,
        region=cast.chongli,
        organization=cast.rescue,
        in_at=past.shift.starts_at + timedelta(hours=2, minutes=30),
        in_method="manual",
        in_key=uuid.uuid4(),
        out_at=past.shift.ends_at,
        out_method="auto",
        out_key=uuid.uuid4(),
        auto_closed=True,
        minutes=60,
    )
    return cast


ROLES = ["root", "alice", "bob", "carol", "tina", "dave", "grace", "erin", "wang", "frank"]


@pytest.mark.parametrize("who", ROLES)
def test_no_link_reachable_from_home_leads_into_a_page_the_viewer_may_not_open(
    client: Client, world: Any, homes: Any, who: str
) -> None:
    from vetserve.accounts.models import User

    login(client, User.objects.get(username=who))
    broken, seen = crawl(client)
    assert broken == [], "\n".join(broken)
    assert len(seen) > 5  # the crawl went somewhere


def test_a_person_without_a_grant_reaches_no_broken_link_either(client: Client, cast: Any) -> None:
    login(client, cast.mallory)
    broken, _ = crawl(client)
    assert broken == [], "\n".join(broken)
