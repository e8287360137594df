"""The test cast, shared by every app's tests.

Alice runs the city; Bob runs 崇礼区 and Carol runs 张北县 (neither sees the other's county);
Dave leads 崇礼蓝天应急救援队 and its sub-team; Erin is a volunteer in a 崇礼 township team;
Frank audits 崇礼区 read-only; Mallory holds no grant and sees nothing.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from vetserve.accounts.models import Grant, Role, User
from vetserve.core.text import pinyin_keys
from vetserve.orgs.models import Kind, Organization, Specialty
from vetserve.people.fakes import fictitious_id_number
from vetserve.people.models import Volunteer
from vetserve.people.services import volunteer_register
from vetserve.regions.models import Region
from vetserve.regions.services import regions_load_csv

PASSWORD = "correct-horse-battery"


def pytest_configure(config: Any) -> None:
    # Hashing is not under test here; argon2 would cost ~50 ms per login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache() -> Any:
    """Every test starts and ends with an empty cache: the public pages are cached whole
    (vetserve/public), and a page cached by one test would show another test's posts."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Every test database starts with Zhangjiakou's real divisions loaded."""
    with django_db_blocker.unblock():
        regions_load_csv()


@pytest.fixture
def restore_reference_data(django_db_blocker: Any, django_db_serialized_rollback: Any):
    """A transactional test empties every table when it ends; put back what the session
    started with (the divisions, the migrations' catalogues) for the tests that follow.
    Requested before ``transactional_db`` so it is torn down after the flush; it loads them
    at the start too, when an earlier transactional test left the tables empty."""

    def restore() -> None:
        with django_db_blocker.unblock():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
            if not Region.objects.exists():
                regions_load_csv()

    restore()
    yield
    restore()


def make_org(
    name: str,
    region_code: str,
    kind: str,
    parent: Organization | None = None,
    specialty: str = Specialty.GENERAL,
) -> Organization:
    region = Region.objects.get(code=region_code)
    initials, full = pinyin_keys(name)
    org = Organization.objects.create(
        name=name,
        kind=kind,
        region=region,
        parent=parent,
        specialty=specialty,
        path="",
        name_initials=initials,
        name_pinyin=full,
    )
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    return org


def make_user(username: str, *grants: tuple[str, Region | Organization]) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    for role, target in grants:
        if isinstance(target, Region):
            Grant.objects.create(user=user, role=role, region=target)
        else:
            Grant.objects.create(user=user, role=role, organization=target)
    return user


@pytest.fixture
def cast(db: Any) -> SimpleNamespace:
    return build_cast()


def build_cast() -> SimpleNamespace:
    """The cast itself, for a fixture of a wider scope than ``cast`` (the access matrix builds
    it once per module and tries each of its rows inside a savepoint)."""
    region = Region.objects.get
    city_fed = make_org("张家口市爱国拥军联合会", "130700", Kind.FEDERATION)
    chongli_fed = make_org("崇礼区爱国拥军联合会", "130709", Kind.FEDERATION, city_fed)
    zhangbei_fed = make_org("张北县爱国拥军联合会", "130722", Kind.FEDERATION, city_fed)
    rescue = make_org(
        "崇礼蓝天应急救援队", "130709", Kind.SPECIALIST, chongli_fed, Specialty.RESCUE
    )
    rescue_sub = make_org(
        "崇礼蓝天应急救援队山地分队", "130709101", Kind.SPECIALIST, rescue, Specialty.RESCUE
    )
    xiwanzi_team = make_org("西湾子镇退役军人志愿服务队", "130709100", Kind.GRASSROOTS, chongli_fed)
    zhangbei_team = make_org("张北镇退役军人志愿服务队", "130722100", Kind.GRASSROOTS, zhangbei_fed)
    return SimpleNamespace(
        city=region(code="130700"),
        chongli=region(code="130709"),
        zhangbei=region(code="130722"),
        xiwanzi=region(code="130709100"),
        city_fed=city_fed,
        chongli_fed=chongli_fed,
        zhangbei_fed=zhangbei_fed,
        rescue=rescue,
        rescue_sub=rescue_sub,
        xiwanzi_team=xiwanzi_team,
        zhangbei_team=zhangbei_team,
        # Sees and changes the whole city, every county in it; audits it.
        alice=make_user("alice", (Role.CITY_ADMIN, region(code="130700"))),
        # Sees, changes and audits 崇礼区 and everything under it; 张北 not at all; the city
        # and province above only by name (breadcrumbs).
        bob=make_user("bob", (Role.COUNTY_ADMIN, region(code="130709"))),
        # Bob's mirror in 张北县: the neighbour who must see nothing of 崇礼.
        carol=make_user("carol", (Role.COUNTY_ADMIN, region(code="130722"))),
        # Leads the rescue team and its mountain sub-team (and their members who live
        # elsewhere); changes their activities and leads their shifts; audits nothing.
        dave=make_user("dave", (Role.ORG_LEADER, rescue)),
        # A volunteer of the 西湾子 team: sees that team and her own record, changes nothing,
        # and not the team's roster (personal data stays with those who manage it).
        erin=make_user("erin", (Role.VOLUNTEER, xiwanzi_team)),
        # Audits 崇礼区 read-only: sees it and its audit log, changes nothing.
        frank=make_user("frank", (Role.AUDITOR, region(code="130709"))),
        # Logged in, no grant: sees nothing but pages open to everyone.
        mallory=make_user("mallory"),
        # Superuser: everything.
        root=User.objects.create_superuser("root", password=PASSWORD),
    )


def register_volunteer(
    actor: Any,
    org: Organization,
    id_number: str | None = None,
    name: str = "王建国",
    *,
    serial: int = 1,
    phone: str = "13900001111",
    address_code: str = "130709",
    born: date = date(1975, 3, 15),
    **extra: Any,
) -> Volunteer:
    """A volunteer registered through the service, as a county office would: a fictitious but
    valid ID number (from ``address_code``, ``born`` and ``serial``) unless one is given, living
    where ``org`` is; ``extra`` goes to the registration (gender, birth date, details …)."""
    return volunteer_register(
        actor=actor,
        name=name,
        id_number=id_number
        or fictitious_id_number(
            address_code=address_code, birth_date=born, male=True, serial=serial
        ),
        phone=phone,
        residence_region=org.region,
        home_org=org,
        **extra,
    )


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
