"""Who may do what: one table of actor × action × object → outcome, tried row by row through
the pages (Django's test client) and the API (bearer tokens), never through internal
functions, so the table stays valid whatever the access code looks like inside.

The idea is pretix's ``src/tests/api/test_permissions.py``: one list, every row tried once.
``TABLE`` below is the specification; docs/testing.md shows it as Markdown (rendered from it,
and a test here keeps the two equal).

The cast is the shared one (vetserve/conftest.py), extended here with the actors issue 20 asks
for: Tina, township administrator of 西湾子镇; Grace, who leads the 张北 team and its shift
(the leader of *another* shift); Vera, an auditor granted one village; Nick, a volunteer of
the neighbouring county 130710 (崇礼's upper bound + 1); Stan, staff without a grant; Dee, a
deactivated county administrator of 崇礼; Wang and Ed, volunteers of Dave's team with logins
(Ed's record is erased by Bob through the page when a row needs it); and an anonymous visitor.

Objects sit inside a scope, on its edges (the first and the last region id of a range, a
village grant whose range is one id) and just outside (the upper bound + 1); see ``OBJECTS``.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from tests.conftest import build_cast, make_org, make_user
from vetserve.accounts.models import Role
from vetserve.accounts.services import api_token_create
from vetserve.activities.models import Activity, Shift, SignUp, SignUpState
from vetserve.activities.models import Status as ActivityStatus
from vetserve.activities.services import campaign_create
from vetserve.attendance.models import Attendance
from vetserve.attendance.services import ScanIn, attendance_scan
from vetserve.attendance.tokens import post_token
from vetserve.audit.models import AuditEntry
from vetserve.badges.services import badge_issue, badge_token
from vetserve.dispatch.models import CallOut
from vetserve.ledger.models import ClaimState, HoursClaim, LedgerEntry
from vetserve.ledger.services import hours_claim_submit, ledger_entry_record
from vetserve.orgs.models import Kind
from vetserve.people.fakes import fictitious_id_number
from vetserve.people.models import Status, Volunteer
from vetserve.people.services import volunteer_register, volunteer_update
from vetserve.proofs.services import proof_issue
from vetserve.public.services import post_create
from vetserve.recognition.models import Evaluation
from vetserve.recognition.services import award_record
from vetserve.regions.models import Region
from vetserve.regions.services import region_create
from vetserve.selection.services import selection_create, selection_run

# --- the vocabulary of the table ---------------------------------------------------------------

# Actions.
LIST, READ, CHANGE, EXPORT, REVEAL, AUDIT_LOG = (
    "list",
    "read",
    "change",
    "export",
    "reveal",
    "audit",
)
CHECK_IN, CHECK_OUT, REPLAY, VERIFY = "check-in", "check-out", "replay", "verify"

# Paths ("via"): how the action is reached.
PAGE = "page"  # the HTML pages, logged in with a session
API = "api"  # /api/v1/, with a bearer token
ADMIN = "django-admin"  # the Django admin site
EXPORT_FULL = "export-with-reveal"  # POST /spreadsheets/roster/export/ with a reason
POST_FORM = "post-form"  # the leader's post page form, attendance/post/<shift>/record/
API_BADGE = "api-badge"  # POST /api/v1/attendance/scans, method badge
API_SIGNUP = "api-hand-signup"  # … method manual, by signup_id
API_VOLUNTEER = "api-hand-volunteer"  # … method manual, by volunteer_id (added on the spot)
API_HAND_BADGE = "api-hand-badge"  # … method manual, by badge token (added on the spot)
API_SELF = "api-self"  # … method self: the volunteer's own check-out button
API_POST_QR = "api-post-qr"  # … method post_qr: the volunteer scans the post's code
API_BATCH = "api-batch"  # … several scans in one request
STATION = "station"  # the page the post's code opens on the phone, attendance/scan/<token>
PUBLIC = "public"  # no login: the badge verify page /v/<token>

# Outcomes. HTTP statuses are ints; the rest are named here.
LOGIN = "login"  # a redirect to the login page
LISTED, UNLISTED = "listed", "unlisted"  # the object is (not) among the rows of a list or file
REVEALED = "revealed"  # the answer holds the full ID number
FULL, MASKED = "full", "masked"  # the export's row holds the full / the masked ID number
SHOWN, HIDDEN = "shown", "hidden"  # the audit log shows / no longer shows name and numbers
OK, REFUSED = "ok", "refused"  # a scan recorded / refused (the post page says no more)
DUPLICATE, DUPLICATE_HIDDEN = "duplicate", "duplicate-without-record"
ACTIVE, REVOKED = "active", "revoked"  # what the public verify page says of a badge

ALLOWED_OUTCOMES = {200, 201, 302, LISTED, REVEALED, FULL, SHOWN, OK, "ok,ok", DUPLICATE, ACTIVE}

# Issue 20 defects being fixed on main: rows expecting the fixed behaviour fail until then.
DEFECTS = {
    1: "issue 20 defect 1: erasure revokes the person's badges",
    2: "issue 20 defect 2: erasure ends the person's live sign-ups",
    3: "issue 20 defect 3: a hand check-in of a wait-listed volunteer",
    4: "issue 20 defect 4: erasure clears the person from the audit log",
}


@dataclass(frozen=True)
class Row:
    actor: str
    action: str
    obj: str
    via: str
    expect: int | str
    defect: int = 0  # the issue 20 defect this row guards against (see DEFECTS)
    given: tuple[str, ...] = ()  # what happened before: "stay", "recorded", "checked-out"

    @property
    def allowed(self) -> bool:
        return self.expect in ALLOWED_OUTCOMES

    @property
    def id(self) -> str:
        verbs = {
            LIST: "lists",
            READ: "reads",
            CHANGE: "changes",
            EXPORT: "exports",
            REVEAL: "reveals",
            AUDIT_LOG: "reads-audit-of",
            CHECK_IN: "checks-in",
            CHECK_OUT: "checks-out",
            REPLAY: "replays",
            VERIFY: "verifies",
        }
        outcome = "allowed" if self.allowed else "refused"
        return f"{self.actor}-{verbs[self.action]}-{self.obj}-via-{self.via}-{outcome}"


# --- the objects ------------------------------------------------------------------------------

# Volunteers, by where they sit relative to the scopes (ids are codes padded to 12 digits).
VOLUNTEERS = {
    "chongli-first": "王建国, Dave's 崇礼蓝天应急救援队 at 崇礼区 itself, 130709000000: the first "
    "id of 崇礼's range; has a login (wang), a badge and a confirmed sign-up on dave-shift",
    "chongli-last": "林峰, a team at village 130709999999: the last id of 崇礼's range",
    "chongli-next": "聂远, a team at county 130710000000: 崇礼's upper bound + 1; Nick's record",
    "xiwanzi-first": "赵丽, 西湾子镇 team at 130709100000: the first id of 西湾子's range; Erin's",
    "xiwanzi-last": "许文, a team at village 130709100999: the last id of 西湾子's range",
    "xiwanzi-next": "孙强, Dave's sub-team at 高家营镇 130709101000: 西湾子's upper bound + 1",
    "village": "崔明, a team at village 130709100201: Vera's grant, a range of one id",
    "village-next": "庞杰, a team at village 130709100202: the village grant's upper bound + 1",
    "zhangbei": "李卫东, the 张北镇 team (Carol's county, Grace's team); has a badge",
    "erased": "鄂东, Dave's team, with a login (ed), a badge and a confirmed sign-up on "
    "dave-shift, then erased by Bob on the erase page",
    "waitlisted": "吴刚, Dave's team, wait-listed on dave-shift; has a badge",
}
SHIFTS = {
    "dave-shift": "Dave's team's activity at 崇礼区, under way now",
    "grace-shift": "Grace's 张北镇 team's activity at 张北, under way now",
    "last-shift": "the 130709999999 team's activity in its village, under way now",
    "next-shift": "the 130710 team's activity in county 130710, under way now",
}
CAMPAIGNS = {
    "city-campaign": "a campaign of the city federation, placed at 张家口市 130700",
    "chongli-campaign": "a campaign of the 崇礼 federation, placed at 崇礼区 130709",
}
LEDGER = {
    "dave-entry": "an hour 王建国 served on dave-shift's activity, recorded by hand by Dave and "
    "waiting for confirmation (the recorder never confirms)",
    "grace-entry": "an hour 李卫东 served on grace-shift's activity, recorded by hand by Grace",
    "wang-claim": "half an hour 王建国 (login wang) claims he missed on dave-shift's activity, "
    "with evidence, waiting for approval (change: approving it; the claimant never approves)",
}
PROOFS = {
    "dave-proof": "a proof of service of dave-entry's hour, issued by Dave for his team (the "
    "unit that recorded it)",
}
CALLOUTS = {
    "chongli-callout": "a night snow call-out of the 崇礼 federation, placed at 崇礼区 130709, "
    "for dave-shift (change: closing it; county and city administrators dispatch)",
}
REPORTS = {
    "city-story": "the 2022 news report's figures next to the city's own counts, 130700 "
    "(/reports/story/): the whole city's, so only those who see all of it",
}
RECOGNITION = {
    "wang-award": "an award on 王建国's record (chongli-first), with its scan, recorded by Dave, "
    "his team's leader (change: recording an evaluation of 王建国; nobody evaluates themself)",
}
SELECTIONS = {
    "bob-selection": "a selection by criteria of the 崇礼 federation, run by Bob and awaiting "
    "approval (change: approving it; the person who ran it never approves)",
}
EXCHANGE = {
    "wang-statement": "王建国's yearly statement, from his whole service history (dave-entry's "
    "hour): for himself and for those who manage or audit his team, not its other members",
}
POSTS = {
    "chongli-post": "a draft news post for the public site, written by Bob for 崇礼区 130709",
}
OBJECTS = {
    **VOLUNTEERS,
    **REPORTS,
    **EXCHANGE,
    **CAMPAIGNS,
    **LEDGER,
    **PROOFS,
    **CALLOUTS,
    **RECOGNITION,
    **SELECTIONS,
    **POSTS,
    **{f"{v}@{s}": f"{v} on {s}" for v in VOLUNTEERS for s in SHIFTS},
    "dave-shift-code": "the rotating code shown at dave-shift's post",
    "forged-code": "dave-shift's code with a character changed",
    "waitlisted+chongli-first@dave-shift": "one batch: the wait-listed person by hand, then 王建国",
}
# Objects nobody may reach pair with their live twin (see test_every_refusal_has_an_allowed_twin).
TWINS = {"erased": "chongli-first", "forged-code": "dave-shift-code"}

ACTORS = {
    "root": "superuser",
    "alice": "city admin, 张家口市 130700 (no permission: administrators reveal by role)",
    "bob": "county admin, 崇礼区 130709 (reveal permission)",
    "carol": "county admin, 张北县 130722 (reveal permission)",
    "tina": "township admin, 西湾子镇 130709100 (reveal permission)",
    "frank": "auditor, 崇礼区 (reveal permission: an auditor still gets masked numbers only)",
    "vera": "auditor of one village, 130709100201 (reveal permission)",
    "dave": "org leader of 崇礼蓝天应急救援队 and its sub-team; leads dave-shift (reveal perm.)",
    "grace": "org leader of the 张北镇 team; leads grace-shift, another shift (reveal perm.)",
    "erin": "volunteer of the 西湾子镇 team, record xiwanzi-first (reveal permission)",
    "nick": "volunteer of the 130710 team, record chongli-next",
    "wang": "volunteer of Dave's team, record chongli-first",
    "ed": "volunteer of Dave's team whose record was erased (the login was closed with it)",
    "mallory": "logged in, no grant (reveal permission)",
    "stan": "is_staff, no grant (reveal permission)",
    "dee": "deactivated (is_active=False), still holds a 崇礼 county-admin grant",
    "anon": "not logged in",
}
REVEALERS = ("bob", "carol", "tina", "frank", "vera", "dave", "grace", "erin", "mallory", "stan")
# Alice is left without the permission on purpose: a region administrator reveals by role.
REVEALERS += ("dee",)


# --- the table --------------------------------------------------------------------------------

R = Row
TABLE: list[Row] = [
    # Volunteers: list. GET /people/ and GET /api/v1/volunteers.
    R("root", LIST, "chongli-first", PAGE, LISTED),
    R("root", LIST, "erased", PAGE, UNLISTED),
    R("alice", LIST, "chongli-next", PAGE, LISTED),
    R("bob", LIST, "chongli-first", PAGE, LISTED),
    R("bob", LIST, "chongli-last", PAGE, LISTED),
    R("bob", LIST, "chongli-next", PAGE, UNLISTED),
    R("carol", LIST, "chongli-first", PAGE, UNLISTED),
    R("tina", LIST, "xiwanzi-first", PAGE, LISTED),
    R("tina", LIST, "xiwanzi-last", PAGE, LISTED),
    R("tina", LIST, "xiwanzi-next", PAGE, UNLISTED),
    R("vera", LIST, "village", PAGE, LISTED),
    R("vera", LIST, "village-next", PAGE, UNLISTED),
    R("tina", LIST, "village-next", PAGE, LISTED),
    R("dave", LIST, "xiwanzi-next", PAGE, LISTED),
    R("dave", LIST, "xiwanzi-first", PAGE, UNLISTED),
    R("erin", LIST, "xiwanzi-first", PAGE, LISTED),
    R("erin", LIST, "chongli-first", PAGE, UNLISTED),
    R("mallory", LIST, "chongli-first", PAGE, UNLISTED),
    R("stan", LIST, "chongli-first", PAGE, UNLISTED),
    R("dee", LIST, "chongli-first", PAGE, LOGIN),
    R("anon", LIST, "chongli-first", PAGE, LOGIN),
    R("root", LIST, "chongli-first", API, LISTED),
    R("root", LIST, "erased", API, UNLISTED),
    R("alice", LIST, "chongli-next", API, LISTED),
    R("bob", LIST, "chongli-last", API, LISTED),
    R("bob", LIST, "chongli-next", API, UNLISTED),
    R("tina", LIST, "xiwanzi-last", API, LISTED),
    R("tina", LIST, "xiwanzi-next", API, UNLISTED),
    R("vera", LIST, "village", API, LISTED),
    R("vera", LIST, "village-next", API, UNLISTED),
    R("bob", LIST, "village-next", API, LISTED),
    R("dave", LIST, "xiwanzi-next", API, LISTED),
    R("erin", LIST, "chongli-first", API, UNLISTED),
    R("stan", LIST, "chongli-first", API, UNLISTED),
    R("dee", LIST, "chongli-first", API, 401),
    R("anon", LIST, "chongli-first", API, 401),
    # Volunteers: read one. GET /people/<id>/ and GET /api/v1/volunteers/<id>.
    R("root", READ, "chongli-first", PAGE, 200),
    R("root", READ, "erased", PAGE, 404),
    R("alice", READ, "chongli-next", PAGE, 200),
    R("bob", READ, "chongli-first", PAGE, 200),
    R("bob", READ, "chongli-last", PAGE, 200),
    R("bob", READ, "chongli-next", PAGE, 404),
    R("bob", READ, "erased", PAGE, 404),
    R("frank", READ, "chongli-last", PAGE, 200),
    R("frank", READ, "chongli-next", PAGE, 404),
    R("carol", READ, "zhangbei", PAGE, 200),
    R("carol", READ, "chongli-first", PAGE, 404),
    R("tina", READ, "xiwanzi-first", PAGE, 200),
    R("tina", READ, "xiwanzi-last", PAGE, 200),
    R("tina", READ, "xiwanzi-next", PAGE, 404),
    R("tina", READ, "chongli-first", PAGE, 404),
    R("vera", READ, "village", PAGE, 200),
    R("vera", READ, "village-next", PAGE, 404),
    R("tina", READ, "village-next", PAGE, 200),
    R("vera", READ, "xiwanzi-first", PAGE, 404),
    R("dave", READ, "chongli-first", PAGE, 200),
    R("dave", READ, "xiwanzi-next", PAGE, 200),
    R("dave", READ, "xiwanzi-first", PAGE, 404),
    R("grace", READ, "zhangbei", PAGE, 200),
    R("grace", READ, "chongli-first", PAGE, 404),
    R("erin", READ, "xiwanzi-first", PAGE, 200),
    R("erin", READ, "chongli-first", PAGE, 404),
    R("nick", READ, "chongli-next", PAGE, 200),
    R("nick", READ, "chongli-last", PAGE, 404),
    R("mallory", READ, "chongli-first", PAGE, 404),
    R("stan", READ, "chongli-first", PAGE, 404),
    R("dee", READ, "chongli-first", PAGE, LOGIN),
    R("anon", READ, "chongli-first", PAGE, LOGIN),
    R("bob", READ, "chongli-first", API, 200),
    R("bob", READ, "chongli-last", API, 200),
    R("bob", READ, "chongli-next", API, 404),
    R("bob", READ, "erased", API, 404),
    R("alice", READ, "chongli-next", API, 200),
    R("frank", READ, "chongli-first", API, 200),
    R("carol", READ, "chongli-first", API, 404),
    R("tina", READ, "xiwanzi-last", API, 200),
    R("tina", READ, "xiwanzi-next", API, 404),
    R("vera", READ, "village", API, 200),
    R("vera", READ, "village-next", API, 404),
    R("tina", READ, "village-next", API, 200),
    R("dave", READ, "xiwanzi-next", API, 200),
    R("erin", READ, "xiwanzi-first", API, 200),
    R("erin", READ, "chongli-first", API, 404),
    R("mallory", READ, "chongli-first", API, 404),
    R("stan", READ, "chongli-first", API, 404),
    R("dee", READ, "chongli-first", API, 401),
    R("anon", READ, "chongli-first", API, 401),
    # Staff status alone opens the admin site, not the data in it.
    R("root", READ, "chongli-first", ADMIN, 200),
    R("stan", READ, "chongli-first", ADMIN, 403),
    R("bob", READ, "chongli-first", ADMIN, LOGIN),
    R("anon", READ, "chongli-first", ADMIN, LOGIN),
    # Volunteers: change. POST /people/<id>/status/ (suspend, with a reason; 302 = saved) and
    # PATCH /api/v1/volunteers/<id> (the address). Seeing without changing is 403.
    R("alice", CHANGE, "chongli-next", PAGE, 302),
    R("bob", CHANGE, "chongli-first", PAGE, 302),
    R("bob", CHANGE, "chongli-last", PAGE, 302),
    R("bob", CHANGE, "chongli-next", PAGE, 404),
    R("bob", CHANGE, "village", PAGE, 302),
    R("bob", CHANGE, "village-next", PAGE, 302),
    R("bob", CHANGE, "erased", PAGE, 404),
    R("frank", CHANGE, "chongli-last", PAGE, 403),
    R("carol", CHANGE, "chongli-first", PAGE, 404),
    R("tina", CHANGE, "xiwanzi-first", PAGE, 302),
    R("tina", CHANGE, "xiwanzi-last", PAGE, 302),
    R("tina", CHANGE, "xiwanzi-next", PAGE, 404),
    R("vera", CHANGE, "village", PAGE, 403),
    R("vera", CHANGE, "village-next", PAGE, 404),
    R("dave", CHANGE, "chongli-first", PAGE, 302),
    R("dave", CHANGE, "xiwanzi-next", PAGE, 302),
    R("dave", CHANGE, "xiwanzi-first", PAGE, 404),
    R("grace", CHANGE, "chongli-first", PAGE, 404),
    R("erin", CHANGE, "xiwanzi-first", PAGE, 403),
    R("nick", CHANGE, "chongli-next", PAGE, 403),
    R("mallory", CHANGE, "chongli-first", PAGE, 404),
    R("stan", CHANGE, "chongli-first", PAGE, 404),
    R("dee", CHANGE, "chongli-first", PAGE, LOGIN),
    R("anon", CHANGE, "chongli-first", PAGE, LOGIN),
    R("alice", CHANGE, "chongli-next", API, 200),
    R("bob", CHANGE, "chongli-first", API, 200),
    R("bob", CHANGE, "chongli-last", API, 200),
    R("bob", CHANGE, "chongli-next", API, 404),
    R("bob", CHANGE, "village", API, 200),
    R("bob", CHANGE, "village-next", API, 200),
    R("frank", CHANGE, "chongli-last", API, 403),
    R("carol", CHANGE, "chongli-first", API, 404),
    R("tina", CHANGE, "xiwanzi-last", API, 200),
    R("tina", CHANGE, "xiwanzi-first", API, 200),
    R("tina", CHANGE, "xiwanzi-next", API, 404),
    R("vera", CHANGE, "village", API, 403),
    R("vera", CHANGE, "village-next", API, 404),
    R("dave", CHANGE, "xiwanzi-next", API, 200),
    R("erin", CHANGE, "xiwanzi-first", API, 403),
    R("stan", CHANGE, "chongli-first", API, 404),
    R("dee", CHANGE, "chongli-first", API, 401),
    R("anon", CHANGE, "chongli-first", API, 401),
    # Roster export, masked. GET /spreadsheets/roster/export/?format=csv: is the person a row?
    # Viewers who may neither change nor audit anything get 404 for the whole export.
    R("root", EXPORT, "chongli-first", PAGE, LISTED),
    R("root", EXPORT, "erased", PAGE, UNLISTED),
    R("alice", EXPORT, "chongli-next", PAGE, LISTED),
    R("bob", EXPORT, "chongli-first", PAGE, LISTED),
    R("bob", EXPORT, "chongli-last", PAGE, LISTED),
    R("bob", EXPORT, "chongli-next", PAGE, UNLISTED),
    R("frank", EXPORT, "chongli-last", PAGE, LISTED),
    R("carol", EXPORT, "chongli-first", PAGE, UNLISTED),
    R("tina", EXPORT, "xiwanzi-last", PAGE, LISTED),
    R("tina", EXPORT, "xiwanzi-next", PAGE, UNLISTED),
    R("vera", EXPORT, "village", PAGE, LISTED),
    R("vera", EXPORT, "village-next", PAGE, UNLISTED),
    R("tina", EXPORT, "village-next", PAGE, LISTED),
    R("tina", EXPORT, "xiwanzi-first", PAGE, LISTED),
    R("dave", EXPORT, "xiwanzi-next", PAGE, LISTED),
    R("dave", EXPORT, "xiwanzi-first", PAGE, UNLISTED),
    R("grace", EXPORT, "chongli-first", PAGE, UNLISTED),
    R("erin", EXPORT, "xiwanzi-first", PAGE, 404),
    R("nick", EXPORT, "chongli-next", PAGE, 404),
    R("mallory", EXPORT, "chongli-first", PAGE, 404),
    R("stan", EXPORT, "chongli-first", PAGE, 404),
    R("dee", EXPORT, "chongli-first", PAGE, LOGIN),
    R("anon", EXPORT, "chongli-first", PAGE, LOGIN),
    # Reveal the full ID number: the permission *and* change over the person.
    # POST /people/<id>/reveal/id_number/, POST /api/v1/volunteers/<id>/reveal, and the export.
    R("root", REVEAL, "chongli-next", PAGE, REVEALED),
    R("alice", REVEAL, "chongli-next", PAGE, REVEALED),
    R("bob", REVEAL, "chongli-first", PAGE, REVEALED),
    R("bob", REVEAL, "chongli-last", PAGE, REVEALED),
    R("bob", REVEAL, "chongli-next", PAGE, 404),
    R("bob", REVEAL, "village", PAGE, REVEALED),
    R("bob", REVEAL, "erased", PAGE, 404),
    R("frank", REVEAL, "chongli-last", PAGE, 403),
    R("carol", REVEAL, "chongli-first", PAGE, 404),
    R("tina", REVEAL, "xiwanzi-last", PAGE, REVEALED),
    R("tina", REVEAL, "xiwanzi-next", PAGE, 404),
    R("tina", REVEAL, "xiwanzi-first", PAGE, REVEALED),
    R("vera", REVEAL, "village", PAGE, 403),
    R("dave", REVEAL, "chongli-first", PAGE, REVEALED),
    R("dave", REVEAL, "xiwanzi-next", PAGE, REVEALED),
    R("erin", REVEAL, "xiwanzi-first", PAGE, 403),
    R("mallory", REVEAL, "chongli-first", PAGE, 404),
    R("stan", REVEAL, "chongli-first", PAGE, 404),
    R("dee", REVEAL, "chongli-first", PAGE, LOGIN),
    R("anon", REVEAL, "chongli-first", PAGE, LOGIN),
    R("root", REVEAL, "chongli-next", API, REVEALED),
    R("alice", REVEAL, "chongli-next", API, REVEALED),
    R("bob", REVEAL, "chongli-first", API, REVEALED),
    R("bob", REVEAL, "chongli-last", API, REVEALED),
    R("bob", REVEAL, "chongli-next", API, 404),
    R("frank", REVEAL, "chongli-last", API, 403),
    R("carol", REVEAL, "chongli-first", API, 404),
    R("tina", REVEAL, "xiwanzi-last", API, REVEALED),
    R("tina", REVEAL, "xiwanzi-next", API, 404),
    R("tina", REVEAL, "xiwanzi-first", API, REVEALED),
    R("bob", REVEAL, "village", API, REVEALED),
    R("vera", REVEAL, "village", API, 403),
    R("dave", REVEAL, "xiwanzi-next", API, REVEALED),
    R("erin", REVEAL, "xiwanzi-first", API, 403),
    R("stan", REVEAL, "chongli-first", API, 404),
    R("dee", REVEAL, "chongli-first", API, 401),
    R("anon", REVEAL, "chongli-first", API, 401),
    R("root", REVEAL, "chongli-next", EXPORT_FULL, FULL),
    R("alice", REVEAL, "chongli-next", EXPORT_FULL, FULL),
    R("bob", REVEAL, "chongli-first", EXPORT_FULL, FULL),
    R("bob", REVEAL, "chongli-last", EXPORT_FULL, FULL),
    R("bob", REVEAL, "chongli-next", EXPORT_FULL, UNLISTED),
    R("frank", REVEAL, "chongli-last", EXPORT_FULL, 403),
    R("carol", REVEAL, "chongli-first", EXPORT_FULL, UNLISTED),
    R("tina", REVEAL, "xiwanzi-last", EXPORT_FULL, FULL),
    R("tina", REVEAL, "xiwanzi-next", EXPORT_FULL, UNLISTED),
    R("tina", REVEAL, "xiwanzi-first", EXPORT_FULL, FULL),
    R("bob", REVEAL, "village", EXPORT_FULL, FULL),
    R("vera", REVEAL, "village", EXPORT_FULL, 403),
    R("dave", REVEAL, "xiwanzi-next", EXPORT_FULL, FULL),
    R("erin", REVEAL, "xiwanzi-first", EXPORT_FULL, 404),
    R("anon", REVEAL, "chongli-first", EXPORT_FULL, LOGIN),
    # The audit log: GET /audit/ (every page) and GET /api/v1/audit. Does it show the person's
    # name or masked numbers? Erasure must take them out of it too (defect 4).
    R("alice", AUDIT_LOG, "chongli-next", PAGE, SHOWN),
    R("bob", AUDIT_LOG, "chongli-first", PAGE, SHOWN),
    R("bob", AUDIT_LOG, "chongli-next", PAGE, HIDDEN),
    R("bob", AUDIT_LOG, "erased", PAGE, HIDDEN, defect=4),
    R("frank", AUDIT_LOG, "chongli-first", PAGE, SHOWN),
    R("carol", AUDIT_LOG, "chongli-first", PAGE, HIDDEN),
    R("tina", AUDIT_LOG, "xiwanzi-last", PAGE, SHOWN),
    R("tina", AUDIT_LOG, "xiwanzi-next", PAGE, HIDDEN),
    R("bob", AUDIT_LOG, "xiwanzi-next", PAGE, SHOWN),
    R("vera", AUDIT_LOG, "village", PAGE, SHOWN),
    R("vera", AUDIT_LOG, "village-next", PAGE, HIDDEN),
    R("tina", AUDIT_LOG, "village-next", PAGE, SHOWN),
    R("dave", AUDIT_LOG, "chongli-first", PAGE, 404),
    R("erin", AUDIT_LOG, "chongli-first", PAGE, 404),
    R("mallory", AUDIT_LOG, "chongli-first", PAGE, 404),
    R("stan", AUDIT_LOG, "chongli-first", PAGE, 404),
    R("anon", AUDIT_LOG, "chongli-first", PAGE, LOGIN),
    R("bob", AUDIT_LOG, "chongli-first", API, SHOWN),
    R("bob", AUDIT_LOG, "erased", API, HIDDEN, defect=4),
    R("carol", AUDIT_LOG, "chongli-first", API, HIDDEN),
    R("dave", AUDIT_LOG, "chongli-first", API, HIDDEN),
    R("vera", AUDIT_LOG, "village", API, SHOWN),
    R("vera", AUDIT_LOG, "village-next", API, HIDDEN),
    R("bob", AUDIT_LOG, "village-next", API, SHOWN),
    R("anon", AUDIT_LOG, "chongli-first", API, 401),
    # Check-in on the leader's post page form (manual, by sign-up; the page then says
    # "recorded" or why not). Those who do not lead the shift get 404 for the whole page.
    R("root", CHECK_IN, "chongli-first@dave-shift", POST_FORM, OK),
    R("alice", CHECK_IN, "chongli-next@next-shift", POST_FORM, OK),
    R("bob", CHECK_IN, "chongli-first@dave-shift", POST_FORM, OK),
    R("bob", CHECK_IN, "chongli-last@last-shift", POST_FORM, OK),
    R("bob", CHECK_IN, "chongli-next@next-shift", POST_FORM, 404),
    R("dave", CHECK_IN, "chongli-first@dave-shift", POST_FORM, OK),
    R("dave", CHECK_IN, "zhangbei@grace-shift", POST_FORM, 404),
    R("dave", CHECK_IN, "erased@dave-shift", POST_FORM, REFUSED, defect=2),
    R("grace", CHECK_IN, "zhangbei@grace-shift", POST_FORM, OK),
    R("grace", CHECK_IN, "chongli-first@dave-shift", POST_FORM, 404),
    R("carol", CHECK_IN, "chongli-first@dave-shift", POST_FORM, 404),
    R("tina", CHECK_IN, "chongli-first@dave-shift", POST_FORM, 404),
    R("frank", CHECK_IN, "chongli-first@dave-shift", POST_FORM, 404),
    R("erin", CHECK_IN, "chongli-first@dave-shift", POST_FORM, 404),
    R("wang", CHECK_IN, "chongli-first@dave-shift", POST_FORM, 404),
    R("mallory", CHECK_IN, "chongli-first@dave-shift", POST_FORM, 404),
    R("stan", CHECK_IN, "chongli-first@dave-shift", POST_FORM, 404),
    R("dee", CHECK_IN, "chongli-first@dave-shift", POST_FORM, LOGIN),
    R("anon", CHECK_IN, "chongli-first@dave-shift", POST_FORM, LOGIN),
    R("dave", CHECK_OUT, "chongli-first@dave-shift", POST_FORM, OK, given=("stay",)),
    R("grace", CHECK_OUT, "chongli-first@dave-shift", POST_FORM, 404, given=("stay",)),
    R("frank", CHECK_OUT, "chongli-first@dave-shift", POST_FORM, 404, given=("stay",)),
    R("anon", CHECK_OUT, "chongli-first@dave-shift", POST_FORM, LOGIN, given=("stay",)),
    # Check-in by the API, by hand with the sign-up (the roster's button). Each item of the
    # batch answers for itself: "ok", or "refused" with this code.
    R("root", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, OK),
    R("alice", CHECK_IN, "chongli-next@next-shift", API_SIGNUP, OK),
    R("bob", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, OK),
    R("bob", CHECK_IN, "chongli-last@last-shift", API_SIGNUP, OK),
    R("bob", CHECK_IN, "chongli-next@next-shift", API_SIGNUP, "not_found"),
    R("dave", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, OK),
    R("dave", CHECK_IN, "zhangbei@grace-shift", API_SIGNUP, "not_found"),
    R("dave", CHECK_IN, "erased@dave-shift", API_SIGNUP, "not_rostered", defect=2),
    R("grace", CHECK_IN, "zhangbei@grace-shift", API_SIGNUP, OK),
    R("grace", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, "not_found"),
    R("carol", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, "not_found"),
    R("tina", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, "not_found"),
    R("frank", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, "not_found"),
    R("erin", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, "not_found"),
    R("wang", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, "not_found"),
    R("mallory", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, "not_found"),
    R("stan", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, "not_found"),
    R("dee", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, 401),
    R("anon", CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, 401),
    R("dave", CHECK_OUT, "chongli-first@dave-shift", API_SIGNUP, OK, given=("stay",)),
    R("grace", CHECK_OUT, "chongli-first@dave-shift", API_SIGNUP, "not_found", given=("stay",)),
    R("carol", CHECK_OUT, "chongli-first@dave-shift", API_SIGNUP, "not_found", given=("stay",)),
    R("anon", CHECK_OUT, "chongli-first@dave-shift", API_SIGNUP, 401, given=("stay",)),
    # Check-in by the API with the person's badge (the leader scans it).
    R("bob", CHECK_IN, "chongli-first@dave-shift", API_BADGE, OK),
    R("dave", CHECK_IN, "chongli-first@dave-shift", API_BADGE, OK),
    R("dave", CHECK_IN, "erased@dave-shift", API_BADGE, "bad_badge", defect=1),
    R("grace", CHECK_IN, "chongli-first@dave-shift", API_BADGE, "not_found"),
    R("carol", CHECK_IN, "chongli-first@dave-shift", API_BADGE, "not_found"),
    R("frank", CHECK_IN, "chongli-first@dave-shift", API_BADGE, "not_found"),
    R("erin", CHECK_IN, "chongli-first@dave-shift", API_BADGE, "not_found"),
    R("anon", CHECK_IN, "chongli-first@dave-shift", API_BADGE, 401),
    R("dave", CHECK_OUT, "chongli-first@dave-shift", API_BADGE, OK, given=("stay",)),
    R("grace", CHECK_OUT, "chongli-first@dave-shift", API_BADGE, "not_found", given=("stay",)),
    # By hand, someone not (yet) on the roster, named by volunteer_id: the leader must see the
    # person and lead the shift. A wait-listed person is promoted (defect 3).
    R("dave", CHECK_IN, "chongli-first@dave-shift", API_VOLUNTEER, OK),
    R("dave", CHECK_IN, "xiwanzi-next@dave-shift", API_VOLUNTEER, OK),
    R("dave", CHECK_IN, "xiwanzi-first@dave-shift", API_VOLUNTEER, "not_found"),
    R("dave", CHECK_IN, "zhangbei@dave-shift", API_VOLUNTEER, "not_found"),
    R("dave", CHECK_IN, "erased@dave-shift", API_VOLUNTEER, "not_found"),
    R("dave", CHECK_IN, "waitlisted@dave-shift", API_VOLUNTEER, OK, defect=3),
    R("bob", CHECK_IN, "xiwanzi-first@dave-shift", API_VOLUNTEER, OK),
    R("bob", CHECK_IN, "chongli-next@dave-shift", API_VOLUNTEER, "not_found"),
    R("alice", CHECK_IN, "chongli-next@dave-shift", API_VOLUNTEER, OK),
    R("alice", CHECK_IN, "zhangbei@dave-shift", API_VOLUNTEER, OK),
    R("carol", CHECK_IN, "zhangbei@dave-shift", API_VOLUNTEER, "not_found"),
    R("grace", CHECK_IN, "xiwanzi-next@dave-shift", API_VOLUNTEER, "not_found"),
    R("anon", CHECK_IN, "xiwanzi-next@dave-shift", API_VOLUNTEER, 401),
    # By hand with a badge: the badge proves who it is, so a leader adds someone they cannot
    # otherwise see; the shift must still be theirs.
    R("dave", CHECK_IN, "zhangbei@dave-shift", API_HAND_BADGE, OK),
    R("dave", CHECK_IN, "waitlisted@dave-shift", API_HAND_BADGE, OK, defect=3),
    R("grace", CHECK_IN, "zhangbei@dave-shift", API_HAND_BADGE, "not_found"),
    # One batch: the wait-listed hand check-in must not cost the rest of the batch (defect 3;
    # today it is a 500 and the phone re-sends the whole batch forever).
    R("dave", CHECK_IN, "waitlisted+chongli-first@dave-shift", API_BATCH, "ok,ok", defect=3),
    # The volunteer's own check-out button: only for one's own sign-up, whoever else one is.
    R("wang", CHECK_OUT, "chongli-first@dave-shift", API_SELF, OK, given=("stay",)),
    R("erin", CHECK_OUT, "chongli-first@dave-shift", API_SELF, "not_found", given=("stay",)),
    R("dave", CHECK_OUT, "chongli-first@dave-shift", API_SELF, "not_found", given=("stay",)),
    R("root", CHECK_OUT, "chongli-first@dave-shift", API_SELF, "not_found", given=("stay",)),
    R("ed", CHECK_OUT, "erased@dave-shift", API_SELF, 401, given=("stay",)),
    R("anon", CHECK_OUT, "chongli-first@dave-shift", API_SELF, 401, given=("stay",)),
    # The volunteer scans the post's code: through the API (the phone's queue) and on the
    # page the code opens (the station). Only a rostered volunteer is recorded.
    R("wang", CHECK_IN, "dave-shift-code", API_POST_QR, OK),
    R("wang", CHECK_IN, "forged-code", API_POST_QR, "bad_token"),
    R("erin", CHECK_IN, "dave-shift-code", API_POST_QR, "not_rostered"),
    R("nick", CHECK_IN, "dave-shift-code", API_POST_QR, "not_rostered"),
    R("ed", CHECK_IN, "dave-shift-code", API_POST_QR, 401),
    R("dave", CHECK_IN, "dave-shift-code", API_POST_QR, "not_volunteer"),
    R("root", CHECK_IN, "dave-shift-code", API_POST_QR, "not_volunteer"),
    R("mallory", CHECK_IN, "dave-shift-code", API_POST_QR, "not_volunteer"),
    R("dee", CHECK_IN, "dave-shift-code", API_POST_QR, 401),
    R("anon", CHECK_IN, "dave-shift-code", API_POST_QR, 401),
    R("wang", CHECK_IN, "dave-shift-code", STATION, OK),
    R("wang", CHECK_IN, "forged-code", STATION, "bad_token"),
    R("erin", CHECK_IN, "dave-shift-code", STATION, "not_rostered"),
    R("ed", CHECK_IN, "dave-shift-code", STATION, LOGIN),
    R("mallory", CHECK_IN, "dave-shift-code", STATION, "not_volunteer"),
    R("dee", CHECK_IN, "dave-shift-code", STATION, LOGIN),
    R("anon", CHECK_IN, "dave-shift-code", STATION, LOGIN),
    # Offline replay: Dave's phone recorded 王建国's check-in (and check-out) and the same
    # idempotency key arrives again. It never records twice, and shows the record only to
    # those who may see it.
    R("dave", REPLAY, "chongli-first@dave-shift", API_SIGNUP, DUPLICATE, given=("recorded",)),
    R("bob", REPLAY, "chongli-first@dave-shift", API_SIGNUP, DUPLICATE, given=("recorded",)),
    R("wang", REPLAY, "chongli-first@dave-shift", API_SIGNUP, DUPLICATE, given=("recorded",)),
    R(
        "carol",
        REPLAY,
        "chongli-first@dave-shift",
        API_SIGNUP,
        DUPLICATE_HIDDEN,
        given=("recorded",),
    ),
    R(
        "grace",
        REPLAY,
        "chongli-first@dave-shift",
        API_SIGNUP,
        DUPLICATE_HIDDEN,
        given=("recorded",),
    ),
    R(
        "erin",
        REPLAY,
        "chongli-first@dave-shift",
        API_SIGNUP,
        DUPLICATE_HIDDEN,
        given=("recorded",),
    ),
    R("anon", REPLAY, "chongli-first@dave-shift", API_SIGNUP, 401, given=("recorded",)),
    R("dave", REPLAY, "chongli-first@dave-shift", POST_FORM, OK, given=("recorded",)),
    R("grace", REPLAY, "chongli-first@dave-shift", POST_FORM, 404, given=("recorded",)),
    R("dave", REPLAY, "chongli-first@dave-shift", API_BADGE, DUPLICATE, given=("checked-out",)),
    R(
        "carol",
        REPLAY,
        "chongli-first@dave-shift",
        API_BADGE,
        DUPLICATE_HIDDEN,
        given=("checked-out",),
    ),
    # The public verify page: an erased person's badge is void (badge rows revoked: defect 1).
    R("anon", VERIFY, "chongli-first", PUBLIC, ACTIVE),
    R("anon", VERIFY, "erased", PUBLIC, REVOKED),
    # Campaigns (issue 13): one touches every unit under its organizer's region, so the
    # county and township administrators and auditors of the city open the city's campaign
    # (GET /activities/campaigns/<id>/, and the list); nobody changes a campaign above their
    # grant (POST …/edit/); team and volunteer grants open nothing more.
    R("alice", READ, "city-campaign", PAGE, 200),
    R("bob", READ, "city-campaign", PAGE, 200),
    R("carol", READ, "city-campaign", PAGE, 200),
    R("tina", READ, "city-campaign", PAGE, 200),
    R("frank", READ, "city-campaign", PAGE, 200),
    R("vera", READ, "city-campaign", PAGE, 200),
    R("dave", READ, "city-campaign", PAGE, 404),
    R("erin", READ, "city-campaign", PAGE, 404),
    R("mallory", READ, "city-campaign", PAGE, 404),
    R("dee", READ, "city-campaign", PAGE, LOGIN),
    R("anon", READ, "city-campaign", PAGE, LOGIN),
    R("bob", READ, "chongli-campaign", PAGE, 200),
    R("tina", READ, "chongli-campaign", PAGE, 200),
    R("dave", READ, "chongli-campaign", PAGE, 404),
    R("carol", READ, "chongli-campaign", PAGE, 404),
    R("bob", LIST, "city-campaign", PAGE, LISTED),
    R("tina", LIST, "city-campaign", PAGE, LISTED),
    R("dave", LIST, "city-campaign", PAGE, UNLISTED),
    R("carol", LIST, "chongli-campaign", PAGE, UNLISTED),
    R("tina", LIST, "chongli-campaign", PAGE, LISTED),
    R("alice", CHANGE, "city-campaign", PAGE, 302),
    R("bob", CHANGE, "city-campaign", PAGE, 404),
    R("tina", CHANGE, "city-campaign", PAGE, 404),
    R("frank", CHANGE, "city-campaign", PAGE, 404),
    R("bob", CHANGE, "chongli-campaign", PAGE, 302),
    R("tina", CHANGE, "chongli-campaign", PAGE, 404),
    # The hours ledger: GET /ledger/ and /api/v1/ledger/entries (list), the entry's page and
    # GET /api/v1/ledger/entries/<id> (read), and confirming it for the organizing unit (change:
    # POST /ledger/entry/<id>/confirm/, POST /api/v1/ledger/entries/<id>/confirmation). Whoever
    # sees an entry without the right to confirm it (an auditor, the volunteer, its recorder)
    # gets 403; whoever does not see it, 404.
    R("root", LIST, "dave-entry", PAGE, LISTED),
    R("alice", LIST, "dave-entry", PAGE, LISTED),
    R("bob", LIST, "dave-entry", PAGE, LISTED),
    R("frank", LIST, "dave-entry", PAGE, LISTED),
    R("dave", LIST, "dave-entry", PAGE, LISTED),
    R("wang", LIST, "dave-entry", PAGE, LISTED),
    R("carol", LIST, "dave-entry", PAGE, UNLISTED),
    R("tina", LIST, "dave-entry", PAGE, UNLISTED),
    R("grace", LIST, "dave-entry", PAGE, UNLISTED),
    R("erin", LIST, "dave-entry", PAGE, UNLISTED),
    R("mallory", LIST, "dave-entry", PAGE, UNLISTED),
    R("anon", LIST, "dave-entry", PAGE, LOGIN),
    R("grace", LIST, "grace-entry", PAGE, LISTED),
    R("dave", LIST, "grace-entry", PAGE, UNLISTED),
    R("bob", LIST, "dave-entry", API, LISTED),
    R("wang", LIST, "dave-entry", API, LISTED),
    R("carol", LIST, "dave-entry", API, UNLISTED),
    R("erin", LIST, "dave-entry", API, UNLISTED),
    R("anon", LIST, "dave-entry", API, 401),
    R("bob", READ, "dave-entry", PAGE, 200),
    R("frank", READ, "dave-entry", PAGE, 200),
    R("dave", READ, "dave-entry", PAGE, 200),
    R("wang", READ, "dave-entry", PAGE, 200),
    R("carol", READ, "dave-entry", PAGE, 404),
    R("tina", READ, "dave-entry", PAGE, 404),
    R("grace", READ, "dave-entry", PAGE, 404),
    R("erin", READ, "dave-entry", PAGE, 404),
    R("mallory", READ, "dave-entry", PAGE, 404),
    R("anon", READ, "dave-entry", PAGE, LOGIN),
    R("grace", READ, "grace-entry", PAGE, 200),
    R("dave", READ, "grace-entry", PAGE, 404),
    R("bob", READ, "dave-entry", API, 200),
    R("wang", READ, "dave-entry", API, 200),
    R("carol", READ, "dave-entry", API, 404),
    R("erin", READ, "dave-entry", API, 404),
    R("anon", READ, "dave-entry", API, 401),
    R("root", CHANGE, "dave-entry", PAGE, 302),
    R("alice", CHANGE, "dave-entry", PAGE, 302),
    R("bob", CHANGE, "dave-entry", PAGE, 302),
    R("dave", CHANGE, "dave-entry", PAGE, 403),
    R("frank", CHANGE, "dave-entry", PAGE, 403),
    R("wang", CHANGE, "dave-entry", PAGE, 403),
    R("carol", CHANGE, "dave-entry", PAGE, 404),
    R("tina", CHANGE, "dave-entry", PAGE, 404),
    R("grace", CHANGE, "dave-entry", PAGE, 404),
    R("mallory", CHANGE, "dave-entry", PAGE, 404),
    R("anon", CHANGE, "dave-entry", PAGE, LOGIN),
    R("dave", CHANGE, "grace-entry", PAGE, 404),
    R("carol", CHANGE, "grace-entry", PAGE, 302),
    R("bob", CHANGE, "dave-entry", API, 201),
    R("dave", CHANGE, "dave-entry", API, 403),
    R("frank", CHANGE, "dave-entry", API, 403),
    R("wang", CHANGE, "dave-entry", API, 403),
    R("carol", CHANGE, "dave-entry", API, 404),
    R("anon", CHANGE, "dave-entry", API, 401),
    # Selections by criteria: GET /selections/ and /api/v1/selections (list), the selection's
    # page and GET /api/v1/selections/<id> (read), and approving it (change: POST
    # /selections/<id>/decision/, POST /api/v1/selections/<id>/decision). Placed in the
    # selecting federation's region and organization: 崇礼's administrators and auditor see it;
    # its administrators other than the runner approve it, the runner (Bob) never.
    R("root", LIST, "bob-selection", PAGE, LISTED),
    R("alice", LIST, "bob-selection", PAGE, LISTED),
    R("bob", LIST, "bob-selection", PAGE, LISTED),
    R("frank", LIST, "bob-selection", PAGE, LISTED),
    R("dave", LIST, "bob-selection", PAGE, UNLISTED),
    R("carol", LIST, "bob-selection", PAGE, UNLISTED),
    R("tina", LIST, "bob-selection", PAGE, UNLISTED),
    R("erin", LIST, "bob-selection", PAGE, UNLISTED),
    R("mallory", LIST, "bob-selection", PAGE, UNLISTED),
    R("anon", LIST, "bob-selection", PAGE, LOGIN),
    R("bob", LIST, "bob-selection", API, LISTED),
    R("carol", LIST, "bob-selection", API, UNLISTED),
    R("anon", LIST, "bob-selection", API, 401),
    R("bob", READ, "bob-selection", PAGE, 200),
    R("alice", READ, "bob-selection", PAGE, 200),
    R("frank", READ, "bob-selection", PAGE, 200),
    R("carol", READ, "bob-selection", PAGE, 404),
    R("dave", READ, "bob-selection", PAGE, 404),
    R("tina", READ, "bob-selection", PAGE, 404),
    R("mallory", READ, "bob-selection", PAGE, 404),
    R("anon", READ, "bob-selection", PAGE, LOGIN),
    R("bob", READ, "bob-selection", API, 200),
    R("carol", READ, "bob-selection", API, 404),
    R("anon", READ, "bob-selection", API, 401),
    R("root", CHANGE, "bob-selection", PAGE, 302),
    R("alice", CHANGE, "bob-selection", PAGE, 302),
    R("bob", CHANGE, "bob-selection", PAGE, 403),
    R("frank", CHANGE, "bob-selection", PAGE, 403),
    R("carol", CHANGE, "bob-selection", PAGE, 404),
    R("dave", CHANGE, "bob-selection", PAGE, 404),
    R("mallory", CHANGE, "bob-selection", PAGE, 404),
    R("anon", CHANGE, "bob-selection", PAGE, LOGIN),
    R("alice", CHANGE, "bob-selection", API, 200),
    R("bob", CHANGE, "bob-selection", API, 403),
    R("frank", CHANGE, "bob-selection", API, 403),
    R("carol", CHANGE, "bob-selection", API, 404),
    R("anon", CHANGE, "bob-selection", API, 401),
    # Proofs of service: GET /proofs/ and /api/v1/proofs (list), the proof's page and
    # GET /api/v1/proofs/<id> (read), and revoking it (change: POST /proofs/<id>/revoke/,
    # POST /api/v1/proofs/<id>/revoke). Placed in the issuing unit, like its entries: whoever
    # sees it without the right to change the unit (an auditor, the volunteer) gets 403.
    R("root", LIST, "dave-proof", PAGE, LISTED),
    R("alice", LIST, "dave-proof", PAGE, LISTED),
    R("bob", LIST, "dave-proof", PAGE, LISTED),
    R("frank", LIST, "dave-proof", PAGE, LISTED),
    R("dave", LIST, "dave-proof", PAGE, LISTED),
    R("wang", LIST, "dave-proof", PAGE, LISTED),
    R("carol", LIST, "dave-proof", PAGE, UNLISTED),
    R("tina", LIST, "dave-proof", PAGE, UNLISTED),
    R("grace", LIST, "dave-proof", PAGE, UNLISTED),
    R("erin", LIST, "dave-proof", PAGE, UNLISTED),
    R("mallory", LIST, "dave-proof", PAGE, UNLISTED),
    R("anon", LIST, "dave-proof", PAGE, LOGIN),
    R("bob", LIST, "dave-proof", API, LISTED),
    R("wang", LIST, "dave-proof", API, LISTED),
    R("carol", LIST, "dave-proof", API, UNLISTED),
    R("erin", LIST, "dave-proof", API, UNLISTED),
    R("anon", LIST, "dave-proof", API, 401),
    R("bob", READ, "dave-proof", PAGE, 200),
    R("frank", READ, "dave-proof", PAGE, 200),
    R("dave", READ, "dave-proof", PAGE, 200),
    R("wang", READ, "dave-proof", PAGE, 200),
    R("carol", READ, "dave-proof", PAGE, 404),
    R("tina", READ, "dave-proof", PAGE, 404),
    R("grace", READ, "dave-proof", PAGE, 404),
    R("erin", READ, "dave-proof", PAGE, 404),
    R("mallory", READ, "dave-proof", PAGE, 404),
    R("anon", READ, "dave-proof", PAGE, LOGIN),
    R("bob", READ, "dave-proof", API, 200),
    R("wang", READ, "dave-proof", API, 200),
    R("carol", READ, "dave-proof", API, 404),
    R("anon", READ, "dave-proof", API, 401),
    R("root", CHANGE, "dave-proof", PAGE, 302),
    R("alice", CHANGE, "dave-proof", PAGE, 302),
    R("bob", CHANGE, "dave-proof", PAGE, 302),
    R("dave", CHANGE, "dave-proof", PAGE, 302),
    R("frank", CHANGE, "dave-proof", PAGE, 403),
    R("wang", CHANGE, "dave-proof", PAGE, 403),
    R("carol", CHANGE, "dave-proof", PAGE, 404),
    R("tina", CHANGE, "dave-proof", PAGE, 404),
    R("grace", CHANGE, "dave-proof", PAGE, 404),
    R("mallory", CHANGE, "dave-proof", PAGE, 404),
    R("anon", CHANGE, "dave-proof", PAGE, LOGIN),
    R("bob", CHANGE, "dave-proof", API, 200),
    R("dave", CHANGE, "dave-proof", API, 200),
    R("frank", CHANGE, "dave-proof", API, 403),
    R("wang", CHANGE, "dave-proof", API, 403),
    R("carol", CHANGE, "dave-proof", API, 404),
    R("anon", CHANGE, "dave-proof", API, 401),
    # Call-outs (issue 16): GET /dispatch/ and /api/v1/dispatch/callouts (list), the call-out's
    # review page and GET /api/v1/dispatch/callouts/<id> (read), closing it (change: POST
    # /dispatch/<id>/act/, POST /api/v1/dispatch/callouts/<id>/close). Placed in the region and
    # the dispatching federation; only county and city administrators dispatch (may_dispatch):
    # a township administrator or a team leader does not, an auditor reads.
    R("root", LIST, "chongli-callout", PAGE, LISTED),
    R("alice", LIST, "chongli-callout", PAGE, LISTED),
    R("bob", LIST, "chongli-callout", PAGE, LISTED),
    R("frank", LIST, "chongli-callout", PAGE, LISTED),
    R("carol", LIST, "chongli-callout", PAGE, UNLISTED),
    R("tina", LIST, "chongli-callout", PAGE, 404),
    R("dave", LIST, "chongli-callout", PAGE, 404),
    R("erin", LIST, "chongli-callout", PAGE, 404),
    R("anon", LIST, "chongli-callout", PAGE, LOGIN),
    R("bob", LIST, "chongli-callout", API, LISTED),
    R("carol", LIST, "chongli-callout", API, UNLISTED),
    R("dave", LIST, "chongli-callout", API, UNLISTED),
    R("anon", LIST, "chongli-callout", API, 401),
    R("alice", READ, "chongli-callout", PAGE, 200),
    R("bob", READ, "chongli-callout", PAGE, 200),
    R("frank", READ, "chongli-callout", PAGE, 200),
    R("carol", READ, "chongli-callout", PAGE, 404),
    R("tina", READ, "chongli-callout", PAGE, 404),
    R("dave", READ, "chongli-callout", PAGE, 404),
    R("wang", READ, "chongli-callout", PAGE, 404),
    R("mallory", READ, "chongli-callout", PAGE, 404),
    R("anon", READ, "chongli-callout", PAGE, LOGIN),
    R("bob", READ, "chongli-callout", API, 200),
    R("carol", READ, "chongli-callout", API, 404),
    R("anon", READ, "chongli-callout", API, 401),
    R("root", CHANGE, "chongli-callout", PAGE, 302),
    R("alice", CHANGE, "chongli-callout", PAGE, 302),
    R("bob", CHANGE, "chongli-callout", PAGE, 302),
    R("frank", CHANGE, "chongli-callout", PAGE, 403),
    R("carol", CHANGE, "chongli-callout", PAGE, 404),
    R("tina", CHANGE, "chongli-callout", PAGE, 404),
    R("dave", CHANGE, "chongli-callout", PAGE, 404),
    R("mallory", CHANGE, "chongli-callout", PAGE, 404),
    R("anon", CHANGE, "chongli-callout", PAGE, LOGIN),
    R("bob", CHANGE, "chongli-callout", API, 200),
    R("frank", CHANGE, "chongli-callout", API, 403),
    R("carol", CHANGE, "chongli-callout", API, 404),
    R("anon", CHANGE, "chongli-callout", API, 401),
    # Recognition: an award's scan (read: GET /recognition/awards/<id>/document/, and the
    # awards of the volunteer in GET /api/v1/recognition/volunteers/<id>/awards) and an
    # evaluation of the volunteer (change: POST /recognition/volunteer/<id>/, POST
    # …/evaluations). Seen with the volunteer; entered by whoever may change the record, never
    # by an auditor or the volunteer themself (403).
    R("root", READ, "wang-award", PAGE, 200),
    R("alice", READ, "wang-award", PAGE, 200),
    R("bob", READ, "wang-award", PAGE, 200),
    R("frank", READ, "wang-award", PAGE, 200),
    R("dave", READ, "wang-award", PAGE, 200),
    R("wang", READ, "wang-award", PAGE, 200),
    R("carol", READ, "wang-award", PAGE, 404),
    R("tina", READ, "wang-award", PAGE, 404),
    R("grace", READ, "wang-award", PAGE, 404),
    R("erin", READ, "wang-award", PAGE, 404),
    R("mallory", READ, "wang-award", PAGE, 404),
    R("anon", READ, "wang-award", PAGE, LOGIN),
    R("bob", READ, "wang-award", API, 200),
    R("wang", READ, "wang-award", API, 200),
    R("carol", READ, "wang-award", API, 404),
    R("anon", READ, "wang-award", API, 401),
    R("root", CHANGE, "wang-award", PAGE, 302),
    R("alice", CHANGE, "wang-award", PAGE, 302),
    R("bob", CHANGE, "wang-award", PAGE, 302),
    R("dave", CHANGE, "wang-award", PAGE, 302),
    R("frank", CHANGE, "wang-award", PAGE, 403),
    R("wang", CHANGE, "wang-award", PAGE, 403),
    R("carol", CHANGE, "wang-award", PAGE, 404),
    R("tina", CHANGE, "wang-award", PAGE, 404),
    R("grace", CHANGE, "wang-award", PAGE, 404),
    R("mallory", CHANGE, "wang-award", PAGE, 404),
    R("anon", CHANGE, "wang-award", PAGE, LOGIN),
    R("bob", CHANGE, "wang-award", API, 201),
    R("dave", CHANGE, "wang-award", API, 201),
    R("frank", CHANGE, "wang-award", API, 403),
    R("wang", CHANGE, "wang-award", API, 403),
    R("carol", CHANGE, "wang-award", API, 404),
    R("anon", CHANGE, "wang-award", API, 401),
    # The yearly statement (read: GET /exchange/statement/volunteer/<id>/?year=… and GET
    # /api/v1/exchange/volunteers/<id>/statement): whoever may see the person's whole history.
    R("root", READ, "wang-statement", PAGE, 200),
    R("alice", READ, "wang-statement", PAGE, 200),
    R("bob", READ, "wang-statement", PAGE, 200),
    R("frank", READ, "wang-statement", PAGE, 200),
    R("dave", READ, "wang-statement", PAGE, 200),
    R("wang", READ, "wang-statement", PAGE, 200),
    R("carol", READ, "wang-statement", PAGE, 404),
    R("tina", READ, "wang-statement", PAGE, 404),
    R("grace", READ, "wang-statement", PAGE, 404),
    R("erin", READ, "wang-statement", PAGE, 404),
    R("mallory", READ, "wang-statement", PAGE, 404),
    R("anon", READ, "wang-statement", PAGE, LOGIN),
    R("bob", READ, "wang-statement", API, 200),
    R("dave", READ, "wang-statement", API, 200),
    R("wang", READ, "wang-statement", API, 200),
    R("carol", READ, "wang-statement", API, 404),
    R("mallory", READ, "wang-statement", API, 404),
    R("anon", READ, "wang-statement", API, 401),
    # Public posts (issue 18): the editor's list /public/manage/ and GET /api/v1/posts (list),
    # the post's editor page and GET /api/v1/posts/<id> (read), publishing it (change: POST
    # the editor's form, PUT /api/v1/posts/<id>). Region administrators of the post's region
    # or above (core.access.may_publish); nobody else, an auditor or a team leader neither.
    R("root", LIST, "chongli-post", PAGE, LISTED),
    R("alice", LIST, "chongli-post", PAGE, LISTED),
    R("bob", LIST, "chongli-post", PAGE, LISTED),
    R("tina", LIST, "chongli-post", PAGE, UNLISTED),
    R("carol", LIST, "chongli-post", PAGE, UNLISTED),
    R("frank", LIST, "chongli-post", PAGE, 404),
    R("dave", LIST, "chongli-post", PAGE, 404),
    R("wang", LIST, "chongli-post", PAGE, 404),
    R("anon", LIST, "chongli-post", PAGE, LOGIN),
    R("bob", LIST, "chongli-post", API, LISTED),
    R("carol", LIST, "chongli-post", API, UNLISTED),
    R("frank", LIST, "chongli-post", API, UNLISTED),
    R("anon", LIST, "chongli-post", API, 401),
    R("alice", READ, "chongli-post", PAGE, 200),
    R("bob", READ, "chongli-post", PAGE, 200),
    R("tina", READ, "chongli-post", PAGE, 404),
    R("carol", READ, "chongli-post", PAGE, 404),
    R("frank", READ, "chongli-post", PAGE, 404),
    R("dave", READ, "chongli-post", PAGE, 404),
    R("anon", READ, "chongli-post", PAGE, LOGIN),
    R("bob", READ, "chongli-post", API, 200),
    R("carol", READ, "chongli-post", API, 404),
    R("frank", READ, "chongli-post", API, 404),
    R("anon", READ, "chongli-post", API, 401),
    R("alice", CHANGE, "chongli-post", PAGE, 302),
    R("bob", CHANGE, "chongli-post", PAGE, 302),
    R("tina", CHANGE, "chongli-post", PAGE, 404),
    R("carol", CHANGE, "chongli-post", PAGE, 404),
    R("frank", CHANGE, "chongli-post", PAGE, 404),
    R("dave", CHANGE, "chongli-post", PAGE, 404),
    R("anon", CHANGE, "chongli-post", PAGE, LOGIN),
    R("bob", CHANGE, "chongli-post", API, 200),
    R("carol", CHANGE, "chongli-post", API, 404),
    R("frank", CHANGE, "chongli-post", API, 404),
    R("anon", CHANGE, "chongli-post", API, 401),
    # Claims of missed hours: GET /ledger/claims/ and /api/v1/ledger/claims (list), the claim's
    # page and GET /api/v1/ledger/claims/<id> (read), approving it (change: POST
    # /ledger/claims/<id>/ with decision=approve, POST /api/v1/ledger/claims/<id>/decision).
    # Whoever sees a claim without the right to approve it (the claimant, an auditor) gets 403.
    R("root", LIST, "wang-claim", PAGE, LISTED),
    R("alice", LIST, "wang-claim", PAGE, LISTED),
    R("bob", LIST, "wang-claim", PAGE, LISTED),
    R("frank", LIST, "wang-claim", PAGE, LISTED),
    R("dave", LIST, "wang-claim", PAGE, LISTED),
    R("wang", LIST, "wang-claim", PAGE, LISTED),
    R("carol", LIST, "wang-claim", PAGE, UNLISTED),
    R("tina", LIST, "wang-claim", PAGE, UNLISTED),
    R("grace", LIST, "wang-claim", PAGE, UNLISTED),
    R("erin", LIST, "wang-claim", PAGE, UNLISTED),
    R("mallory", LIST, "wang-claim", PAGE, UNLISTED),
    R("anon", LIST, "wang-claim", PAGE, LOGIN),
    R("bob", LIST, "wang-claim", API, LISTED),
    R("wang", LIST, "wang-claim", API, LISTED),
    R("carol", LIST, "wang-claim", API, UNLISTED),
    R("erin", LIST, "wang-claim", API, UNLISTED),
    R("anon", LIST, "wang-claim", API, 401),
    R("bob", READ, "wang-claim", PAGE, 200),
    R("dave", READ, "wang-claim", PAGE, 200),
    R("wang", READ, "wang-claim", PAGE, 200),
    R("carol", READ, "wang-claim", PAGE, 404),
    R("grace", READ, "wang-claim", PAGE, 404),
    R("erin", READ, "wang-claim", PAGE, 404),
    R("mallory", READ, "wang-claim", PAGE, 404),
    R("anon", READ, "wang-claim", PAGE, LOGIN),
    R("bob", READ, "wang-claim", API, 200),
    R("wang", READ, "wang-claim", API, 200),
    R("carol", READ, "wang-claim", API, 404),
    R("anon", READ, "wang-claim", API, 401),
    R("root", CHANGE, "wang-claim", PAGE, 302),
    R("alice", CHANGE, "wang-claim", PAGE, 302),
    R("bob", CHANGE, "wang-claim", PAGE, 302),
    R("dave", CHANGE, "wang-claim", PAGE, 302),
    R("wang", CHANGE, "wang-claim", PAGE, 403),
    R("frank", CHANGE, "wang-claim", PAGE, 403),
    R("carol", CHANGE, "wang-claim", PAGE, 404),
    R("tina", CHANGE, "wang-claim", PAGE, 404),
    R("grace", CHANGE, "wang-claim", PAGE, 404),
    R("mallory", CHANGE, "wang-claim", PAGE, 404),
    R("anon", CHANGE, "wang-claim", PAGE, LOGIN),
    R("dave", CHANGE, "wang-claim", API, 200),
    R("wang", CHANGE, "wang-claim", API, 403),
    R("carol", CHANGE, "wang-claim", API, 404),
    # The report's figures (/reports/story/, GET /api/v1/reports/story) count the whole city:
    # its administrators and those above see them; a county, a team, a volunteer do not.
    R("root", READ, "city-story", PAGE, 200),
    R("alice", READ, "city-story", PAGE, 200),
    R("bob", READ, "city-story", PAGE, 404),
    R("frank", READ, "city-story", PAGE, 404),
    R("tina", READ, "city-story", PAGE, 404),
    R("dave", READ, "city-story", PAGE, 404),
    R("erin", READ, "city-story", PAGE, 404),
    R("stan", READ, "city-story", PAGE, 404),
    R("dee", READ, "city-story", PAGE, LOGIN),
    R("mallory", READ, "city-story", PAGE, 404),
    R("anon", READ, "city-story", PAGE, LOGIN),
    R("alice", READ, "city-story", API, 200),
    R("bob", READ, "city-story", API, 404),
    R("dave", READ, "city-story", API, 404),
    R("erin", READ, "city-story", API, 404),
    R("anon", READ, "city-story", API, 401),
]


# --- the world the table runs in ---------------------------------------------------------------


def _id_number(serial: int, address_code: str) -> str:
    return fictitious_id_number(
        address_code=address_code, birth_date=date(1972, 6, 1), male=True, serial=serial
    )


def _activity(title: str, org: Any, region: Region, now: Any) -> Shift:
    # Under way now: the API judges scan times against the real clock.
    activity = Activity.objects.create(
        title=title,
        category="snow_ice",
        organization=org,
        region=region,
        place=title,
        starts_at=now - timedelta(hours=3),
        ends_at=now + timedelta(hours=3),
        status=ActivityStatus.UNDER_WAY,
    )
    return Shift.objects.create(
        activity=activity,
        post="东门",
        starts_at=now - timedelta(hours=3),
        ends_at=now + timedelta(hours=3),
        max_people=10,
        wanted_people=5,
    )


@pytest.fixture(scope="module")
def world_once(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """Built once for the module, inside a transaction rolled back at its end. Each row then
    runs in a savepoint of its own (pytest-django's ``db``), so no row sees another's writes,
    and the module stays fast (building the world per row cost 0.1 s, 30 s in all)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world(build_cast())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(world_once: SimpleNamespace, db: Any) -> SimpleNamespace:
    world_once.keys = {}
    return world_once


def _build_world(cast: SimpleNamespace) -> SimpleNamespace:
    """The cast and the table's extra actors, regions, teams, volunteers, shifts and badges."""
    root = cast.root

    def region(parent: Region, code: str, name: str) -> Region:
        found = Region.objects.filter(code=code).first()
        return found or region_create(actor=root, parent=parent, code=code, name=name)

    # 130710 is no division of 张家口; made here as 崇礼's neighbour on the id line.
    region(cast.city, "130710", "崇礼东邻区（测试）")
    last_township = region(cast.chongli, "130709999", "末位乡（测试）")
    region(last_township, "130709999999", "末位村（测试）")
    for code, name in (("130709100201", "东沟村"), ("130709100202", "西沟村")):
        region(cast.xiwanzi, code, name)
    region(cast.xiwanzi, "130709100999", "尾村（测试）")

    last_team = make_org("末位村志愿服务队", "130709999999", Kind.GRASSROOTS, cast.chongli_fed)
    next_team = make_org("东邻区退役军人志愿服务队", "130710", Kind.GRASSROOTS, cast.city_fed)
    village_team = make_org("东沟村志愿服务队", "130709100201", Kind.GRASSROOTS, cast.chongli_fed)
    village_next_team = make_org(
        "西沟村志愿服务队", "130709100202", Kind.GRASSROOTS, cast.chongli_fed
    )
    xiwanzi_last_team = make_org(
        "尾村志愿服务队", "130709100999", Kind.GRASSROOTS, cast.chongli_fed
    )

    users: dict[str, Any] = {k: getattr(cast, k, None) for k in ACTORS}
    users["tina"] = make_user("tina", (Role.TOWNSHIP_ADMIN, cast.xiwanzi))
    users["grace"] = make_user("grace", (Role.ORG_LEADER, cast.zhangbei_team))
    users["vera"] = make_user("vera", (Role.AUDITOR, Region.objects.get(code="130709100201")))
    users["nick"] = make_user("nick", (Role.VOLUNTEER, next_team))
    users["wang"] = make_user("wang", (Role.VOLUNTEER, cast.rescue))
    users["ed"] = make_user("ed", (Role.VOLUNTEER, cast.rescue))
    users["stan"] = make_user("stan")
    users["stan"].is_staff = True
    users["stan"].save(update_fields=["is_staff"])
    users["dee"] = make_user("dee", (Role.COUNTY_ADMIN, cast.chongli))
    users["dee"].is_active = False
    users["dee"].save(update_fields=["is_active"])
    users["anon"] = None
    reveal = Permission.objects.get(codename="reveal_personal_data")
    for name in REVEALERS:
        users[name].user_permissions.add(reveal)

    people = [  # key, home team, name, address code of the (fictitious) ID number
        ("chongli-first", cast.rescue, "王建国", "130709"),
        ("chongli-last", last_team, "林峰", "130709"),
        ("chongli-next", next_team, "聂远", "130709"),
        ("xiwanzi-first", cast.xiwanzi_team, "赵丽", "130709"),
        ("xiwanzi-last", xiwanzi_last_team, "许文", "130709"),
        ("xiwanzi-next", cast.rescue_sub, "孙强", "130709"),
        ("village", village_team, "崔明", "130709"),
        ("village-next", village_next_team, "庞杰", "130709"),
        ("zhangbei", cast.zhangbei_team, "李卫东", "130722"),
        ("erased", cast.rescue, "鄂东", "130709"),
        ("waitlisted", cast.rescue, "吴刚", "130709"),
    ]
    ids = {key: _id_number(serial, code) for serial, (key, _o, _n, code) in enumerate(people, 1)}
    vols = {
        key: volunteer_register(
            actor=root,
            name=name,
            id_number=ids[key],
            phone=f"1390000{serial:04d}",
            residence_region=org.region,
            home_org=org,
        )
        for serial, (key, org, name, _code) in enumerate(people, 1)
    }
    for key, user in (
        ("chongli-first", "wang"),
        ("xiwanzi-first", "erin"),
        ("chongli-next", "nick"),
        ("erased", "ed"),
    ):
        Volunteer.objects.filter(pk=vols[key].pk).update(user=users[user])

    now = timezone.now()
    shifts = {
        "dave-shift": _activity("太子城场馆除雪", cast.rescue, cast.chongli, now),
        "grace-shift": _activity("张北草原清障", cast.zhangbei_team, cast.zhangbei, now),
        "last-shift": _activity("末位村巡河", last_team, last_team.region, now),
        "next-shift": _activity("东邻区助老", next_team, next_team.region, now),
    }
    signups = {}
    for obj in (
        "chongli-first@dave-shift",
        "erased@dave-shift",
        "zhangbei@grace-shift",
        "chongli-last@last-shift",
        "chongli-next@next-shift",
    ):
        person, shift = obj.split("@")
        signups[obj] = SignUp.objects.create(
            shift=shifts[shift],
            volunteer=vols[person],
            state=SignUpState.CONFIRMED,
            confirmed_at=now - timedelta(days=2),
        )
    SignUp.objects.create(
        shift=shifts["dave-shift"],
        volunteer=vols["waitlisted"],
        state=SignUpState.WAITLISTED,
        waitlist_position=1,
    )
    campaigns = {
        key: campaign_create(
            actor=root,
            organization=org,
            name=f"{org.name}专项行动",
            starts_on=date(2021, 11, 1),
            ends_on=date(2022, 3, 31),
        )
        for key, org in (("city-campaign", cast.city_fed), ("chongli-campaign", cast.chongli_fed))
    }
    badges = {
        key: badge_issue(actor=root, volunteer=vols[key])
        for key in ("chongli-first", "erased", "zhangbei", "waitlisted")
    }
    entries = {
        key: ledger_entry_record(
            actor=leader,
            volunteer=vols[person],
            activity=shifts[shift].activity,
            service_date=timezone.localdate(shifts[shift].starts_at),
            minutes=60,
        )
        for key, leader, person, shift in (
            ("dave-entry", cast.dave, "chongli-first", "dave-shift"),
            ("grace-entry", users["grace"], "zhangbei", "grace-shift"),
        )
    }
    proofs = {
        "dave-proof": proof_issue(
            actor=cast.dave, volunteer=vols["chongli-first"], organization=cast.rescue
        )
    }
    callouts = {
        "chongli-callout": CallOut.objects.create(
            title="矩阵夜间除雪", activity=shifts["dave-shift"].activity, region=cast.chongli,
            organization=cast.chongli_fed, answer_minutes=15, emergency=True,
        )
    }  # fmt: skip
    callouts["chongli-callout"].shifts.set([shifts["dave-shift"]])
    awards = {
        "wang-award": award_record(
            actor=cast.dave, volunteer=vols["chongli-first"], kind="award",
            name="冬奥志愿服务先进个人", awarded_on=date(2022, 3, 20),
            granting_unit="张家口市人民政府", level="city",
            document=SimpleUploadedFile("award.pdf", b"%PDF-1.4 matrix"),
        )
    }  # fmt: skip
    selections = {
        "bob-selection": selection_run(
            actor=cast.bob,
            selection=selection_create(
                actor=cast.bob, organization=cast.chongli_fed, name="冬奥城市志愿者选拔",
                posts=[{"name": "交通枢纽", "quota": 2}], weights={"hours": 100},
            ),
        )
    }  # fmt: skip
    posts = {
        "chongli-post": post_create(
            actor=cast.bob, kind="news", title="崇礼矩阵新闻", body="正文", region=cast.chongli
        )
    }
    claims = {
        "wang-claim": hours_claim_submit(
            actor=users["wang"],
            volunteer=Volunteer.objects.get(pk=vols["chongli-first"].pk),
            activity=shifts["dave-shift"].activity,
            service_date=timezone.localdate(shifts["dave-shift"].starts_at),
            minutes=30,
            evidence="队长在场，纸质签到表第3行",
        )
    }
    return SimpleNamespace(
        cast=cast,
        users=users,
        entries=entries,
        proofs=proofs,
        callouts=callouts,
        awards=awards,
        selections=selections,
        posts=posts,
        claims=claims,
        vols=vols,
        ids=ids,
        names={key: v.name for key, v in vols.items()},
        # What the audit log may hold of each person: masked ID and phone numbers (and, for
        # the erased person, the masked phone he had corrected before erasure).
        masked={
            key: (
                v.id_number_masked,
                v.phone_masked,
                *(("138****0010",) if key == "erased" else ()),
            )
            for key, v in vols.items()
        },
        shifts=shifts,
        signups=signups,
        badges=badges,
        campaigns=campaigns,
    )


def _erase(world: SimpleNamespace) -> None:
    """Bob erases 鄂东 on the erase page, after correcting his phone (so the audit log holds
    masked numbers of his), while he has a login, a badge and a confirmed sign-up."""
    ed = Volunteer.objects.get(pk=world.vols["erased"].pk)
    volunteer_update(actor=world.cast.bob, volunteer=ed, phone="13811110010")
    client = _page_client(world, "bob")
    response = client.post(f"/people/{ed.pk}/erase/", {"reason": "本人申请删除", "confirm": "on"})
    assert response.status_code == 302, response.content
    assert Volunteer.objects.get(pk=ed.pk).is_erased


def _scan(world: SimpleNamespace, actor: str, obj: str, kind: str, key: uuid.UUID) -> None:
    """Record a scan for a row's "given" through the service (the row itself goes through
    the pages or the API)."""
    _person, shift = obj.split("@")
    result = attendance_scan(
        actor=world.cast.root,
        scan=ScanIn(
            key=key,
            kind=kind,
            method="manual",
            scanned_at=timezone.now() - timedelta(minutes=10 if kind == "in" else 5),
            shift_id=world.shifts[shift].pk,
            signup_id=world.signups[obj].pk,
            reason="矩阵测试",
        ),
    )
    assert result.status == "ok", result


# --- clients and answers ----------------------------------------------------------------------


def _page_client(world: SimpleNamespace, actor: str) -> Client:
    client = Client()
    if actor != "anon":
        # A deactivated user's session does not survive the next request (ModelBackend).
        client.force_login(world.users[actor])
    return client


def _api_client(world: SimpleNamespace, actor: str) -> Client:
    if actor == "anon":
        return Client()
    _token, raw = api_token_create(user=world.users[actor], name="access matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _answer(response: HttpResponse) -> int | str:
    """The status, with a redirect to a login page (the site's or the admin's) as LOGIN."""
    if response.status_code == 302 and "login/" in response["Location"]:
        return LOGIN
    return response.status_code


def _json(response: HttpResponse) -> Any:
    return json.loads(response.content)


# --- drivers: one per (action, via); each returns what was observed ------------------------


def _campaign(world: SimpleNamespace, row: Row) -> int | str:
    """Campaigns: the list and the page (GET), or a change of the name (POST …/edit/)."""
    campaign = world.campaigns[row.obj]
    client = _page_client(world, row.actor)
    if row.action == LIST:
        response = client.get("/activities/campaigns/")
        if response.status_code != 200:
            return _answer(response)
        shown = {c.pk for c in response.context["campaigns"]}
        return LISTED if campaign.pk in shown else UNLISTED
    url = f"/activities/campaigns/{campaign.pk}/"
    if row.action == READ:
        response = client.get(url)
        if response.status_code == 200:
            assert campaign.name in response.content.decode()
        return _answer(response)
    response = client.post(
        url + "edit/",
        {
            "name": "改名",
            "starts_on": "2021-11-01",
            "ends_on": "2022-03-31",
            "description": "",
            "target_activities": 0,
            "target_volunteers": 0,
            "target_hours": 0,
        },
    )
    renamed = type(campaign).objects.get(pk=campaign.pk).name == "改名"
    assert renamed == (response.status_code == 302), response.status_code
    return _answer(response)


def _claim(world: SimpleNamespace, row: Row) -> int | str:
    """Claims: the list and the claim (GET), or approving it (POST)."""
    claim = world.claims[row.obj]
    if row.via == PAGE:
        client = _page_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/ledger/claims/")
            if response.status_code != 200:
                return _answer(response)
            return LISTED if claim in response.context["claims"] else UNLISTED
        if row.action == READ:
            response = client.get(f"/ledger/claims/{claim.pk}/")
            if response.status_code == 200:
                assert claim.evidence in response.content.decode()
            return _answer(response)
        answer = _answer(client.post(f"/ledger/claims/{claim.pk}/", {"decision": "approve"}))
    else:
        client = _api_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/api/v1/ledger/claims?limit=500")
            if response.status_code != 200:
                return response.status_code
            return LISTED if claim.pk in {c["id"] for c in _json(response)["items"]} else UNLISTED
        if row.action == READ:
            return client.get(f"/api/v1/ledger/claims/{claim.pk}").status_code
        answer = client.post(
            f"/api/v1/ledger/claims/{claim.pk}/decision",
            {"approve": True},
            content_type="application/json",
        ).status_code
    approved = HoursClaim.objects.get(pk=claim.pk).state == ClaimState.APPROVED
    assert approved == row.allowed, f"approved={approved}"
    return answer


def _ledger(world: SimpleNamespace, row: Row) -> int | str:
    """Ledger entries: the list and the entry (GET), or confirming it (POST)."""
    if row.obj in world.claims:
        return _claim(world, row)
    entry = world.entries[row.obj]
    if row.via == PAGE:
        client = _page_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/ledger/")
            if response.status_code != 200:
                return _answer(response)
            return LISTED if entry in response.context["entries"] else UNLISTED
        if row.action == READ:
            response = client.get(f"/ledger/entry/{entry.pk}/")
            if response.status_code == 200:
                assert entry.activity_name in response.content.decode()
            return _answer(response)
        answer = _answer(client.post(f"/ledger/entry/{entry.pk}/confirm/"))
    else:
        client = _api_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/api/v1/ledger/entries?limit=500")
            if response.status_code != 200:
                return response.status_code
            return LISTED if entry.pk in {e["id"] for e in _json(response)["items"]} else UNLISTED
        if row.action == READ:
            return client.get(f"/api/v1/ledger/entries/{entry.pk}").status_code
        answer = client.post(f"/api/v1/ledger/entries/{entry.pk}/confirmation").status_code
    confirmed = LedgerEntry.objects.filter(source="confirmation", refers_to=entry).exists()
    assert confirmed == row.allowed, f"confirmed={confirmed}"
    return answer


def _proof(world: SimpleNamespace, row: Row) -> int | str:
    """Proofs of service: the list and the proof (GET), or revoking it (POST)."""
    proof = world.proofs[row.obj]
    if row.via == PAGE:
        client = _page_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/proofs/")
            if response.status_code != 200:
                return _answer(response)
            return LISTED if proof in response.context["proofs"] else UNLISTED
        if row.action == READ:
            response = client.get(f"/proofs/{proof.pk}/")
            if response.status_code == 200:
                assert proof.number in response.content.decode()
            return _answer(response)
        answer = _answer(client.post(f"/proofs/{proof.pk}/revoke/", {"reason": "矩阵测试"}))
    else:
        client = _api_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/api/v1/proofs?limit=500")
            if response.status_code != 200:
                return response.status_code
            return LISTED if proof.pk in {p["id"] for p in _json(response)["items"]} else UNLISTED
        if row.action == READ:
            return client.get(f"/api/v1/proofs/{proof.pk}").status_code
        answer = client.post(
            f"/api/v1/proofs/{proof.pk}/revoke",
            {"reason": "矩阵测试"},
            content_type="application/json",
        ).status_code
    revoked = type(proof).objects.get(pk=proof.pk).revoked_at is not None
    assert revoked == row.allowed, f"revoked={revoked}"
    return answer


def _callout(world: SimpleNamespace, row: Row) -> int | str:
    """Call-outs: the list and the review page (GET), or closing it (POST)."""
    callout = world.callouts[row.obj]
    if row.via == PAGE:
        client = _page_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/dispatch/")
            if response.status_code != 200:
                return _answer(response)
            return LISTED if callout in response.context["callouts"] else UNLISTED
        if row.action == READ:
            response = client.get(f"/dispatch/{callout.pk}/")
            if response.status_code == 200:
                assert callout.title in response.content.decode()
            return _answer(response)
        answer = _answer(client.post(f"/dispatch/{callout.pk}/act/", {"action": "close"}))
    else:
        client = _api_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/api/v1/dispatch/callouts?limit=500")
            if response.status_code != 200:
                return response.status_code
            return LISTED if callout.pk in {c["id"] for c in _json(response)["items"]} else UNLISTED
        if row.action == READ:
            return client.get(f"/api/v1/dispatch/callouts/{callout.pk}").status_code
        answer = client.post(f"/api/v1/dispatch/callouts/{callout.pk}/close").status_code
    closed = type(callout).objects.get(pk=callout.pk).state == "closed"
    assert closed == row.allowed, f"closed={closed}"
    return answer


def _award(world: SimpleNamespace, row: Row) -> int | str:
    """An award on a volunteer's record: its scan and the volunteer's awards (GET), or an
    evaluation of the volunteer (POST)."""
    award = world.awards[row.obj]
    volunteer_id = award.volunteer_id
    before = Evaluation.objects.filter(volunteer_id=volunteer_id).count()
    if row.via == PAGE:
        client = _page_client(world, row.actor)
        if row.action == READ:
            return _answer(client.get(f"/recognition/awards/{award.pk}/document/"))
        answer = _answer(
            client.post(
                f"/recognition/volunteer/{volunteer_id}/",
                {
                    "form": "evaluation",
                    "evaluation-evaluated_on": "2022-03-01",
                    "evaluation-grade": "excellent",
                },
            )
        )
    else:
        client = _api_client(world, row.actor)
        url = f"/api/v1/recognition/volunteers/{volunteer_id}"
        if row.action == READ:
            response = client.get(f"{url}/awards")
            if response.status_code == 200:
                assert award.pk in {a["id"] for a in _json(response)["items"]}
            return response.status_code
        answer = client.post(
            f"{url}/evaluations",
            {"evaluated_on": "2022-03-01", "rating": 5},
            content_type="application/json",
        ).status_code
    added = Evaluation.objects.filter(volunteer_id=volunteer_id).count() - before
    assert added == (1 if row.allowed else 0), f"added={added}"
    return answer


def _selection(world: SimpleNamespace, row: Row) -> int | str:
    """Selections: the list and the selection (GET), or approving it (POST)."""
    selection = world.selections[row.obj]
    if row.via == PAGE:
        client = _page_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/selections/")
            if response.status_code != 200:
                return _answer(response)
            return LISTED if selection in response.context["selections"] else UNLISTED
        if row.action == READ:
            response = client.get(f"/selections/{selection.pk}/")
            if response.status_code == 200:
                assert selection.name in response.content.decode()
            return _answer(response)
        answer = _answer(
            client.post(f"/selections/{selection.pk}/decision/", {"decision": "approve"})
        )
    else:
        client = _api_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/api/v1/selections?limit=500")
            if response.status_code != 200:
                return response.status_code
            listed = {s["id"] for s in _json(response)["items"]}
            return LISTED if selection.pk in listed else UNLISTED
        if row.action == READ:
            return client.get(f"/api/v1/selections/{selection.pk}").status_code
        answer = client.post(
            f"/api/v1/selections/{selection.pk}/decision",
            {"approve": True},
            content_type="application/json",
        ).status_code
    approved = type(selection).objects.get(pk=selection.pk).state == "approved"
    assert approved == row.allowed, f"approved={approved}"
    return answer


def _statement(world: SimpleNamespace, row: Row) -> int | str:
    """A volunteer's yearly statement (read only), as a PDF through the API."""
    pk = world.vols["chongli-first"].pk
    if row.via == PAGE:
        response = _page_client(world, row.actor).get(f"/exchange/statement/volunteer/{pk}/")
        if response.status_code == 200:
            assert response.context["statement"].total >= 60
        return _answer(response)
    response = _api_client(world, row.actor).get(
        f"/api/v1/exchange/volunteers/{pk}/statement?format=pdf"
    )
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF")
    return response.status_code


def _post(world: SimpleNamespace, row: Row) -> int | str:
    """Public posts: the editor's list and page (GET), or publishing the draft (POST, PUT)."""
    post = world.posts[row.obj]
    region = world.cast.chongli
    if row.via == PAGE:
        client = _page_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/public/manage/")
            if response.status_code != 200:
                return _answer(response)
            return LISTED if post in response.context["posts"] else UNLISTED
        if row.action == READ:
            response = client.get(f"/public/manage/{post.pk}/")
            if response.status_code == 200:
                assert post.title in response.content.decode()
            return _answer(response)
        form = {
            "kind": "news", "title": post.title, "body": "正文", "region": region.pk,
            "status": "published", "save": "1",
        }  # fmt: skip
        answer = _answer(client.post(f"/public/manage/{post.pk}/", form))
    else:
        client = _api_client(world, row.actor)
        if row.action == LIST:
            response = client.get("/api/v1/posts?limit=500")
            if response.status_code != 200:
                return response.status_code
            return LISTED if post.pk in {p["id"] for p in _json(response)["items"]} else UNLISTED
        if row.action == READ:
            return client.get(f"/api/v1/posts/{post.pk}").status_code
        body = {
            "kind": "news", "title": post.title, "body": "正文", "region_code": region.code,
            "status": "published",
        }  # fmt: skip
        answer = client.put(
            f"/api/v1/posts/{post.pk}", body, content_type="application/json"
        ).status_code
    published = type(post).objects.get(pk=post.pk).status == "published"
    assert published == row.allowed, f"published={published}"
    return answer


def _list(world: SimpleNamespace, row: Row) -> int | str:
    if row.obj in CALLOUTS:
        return _callout(world, row)
    if row.obj in SELECTIONS:
        return _selection(world, row)
    if row.obj in POSTS:
        return _post(world, row)
    if row.obj in PROOFS:
        return _proof(world, row)
    if row.obj in LEDGER:
        return _ledger(world, row)
    if row.obj in CAMPAIGNS:
        return _campaign(world, row)
    pk = world.vols[row.obj].pk
    if row.via == PAGE:
        response = _page_client(world, row.actor).get("/people/")
        if response.status_code != 200:
            return _answer(response)
        shown = {r.volunteer.pk for r in response.context["rows"]}
    else:
        response = _api_client(world, row.actor).get("/api/v1/volunteers?limit=500")
        if response.status_code != 200:
            return response.status_code
        shown = {item["id"] for item in _json(response)["items"]}
    return LISTED if pk in shown else UNLISTED


def _story(world: SimpleNamespace, row: Row) -> int | str:
    """The report's figures: the page and GET /api/v1/reports/story."""
    if row.via == PAGE:
        response = _page_client(world, row.actor).get("/reports/story/")
        if response.status_code == 200:
            assert {r.figure.key for r in response.context["rows"]} >= {"volunteers"}
        return _answer(response)
    response = _api_client(world, row.actor).get("/api/v1/reports/story")
    if response.status_code == 200:
        assert "volunteers" in {f["key"] for f in _json(response)}
    return response.status_code


def _read(world: SimpleNamespace, row: Row) -> int | str:
    if row.obj in CALLOUTS:
        return _callout(world, row)
    if row.obj in REPORTS:
        return _story(world, row)
    if row.obj in RECOGNITION:
        return _award(world, row)
    if row.obj in SELECTIONS:
        return _selection(world, row)
    if row.obj in EXCHANGE:
        return _statement(world, row)
    if row.obj in POSTS:
        return _post(world, row)
    if row.obj in PROOFS:
        return _proof(world, row)
    if row.obj in LEDGER:
        return _ledger(world, row)
    if row.obj in CAMPAIGNS:
        return _campaign(world, row)
    pk = world.vols[row.obj].pk
    if row.via == PAGE:
        response = _page_client(world, row.actor).get(f"/people/{pk}/")
        if response.status_code == 200:
            assert world.names[row.obj] in response.content.decode()
        return _answer(response)
    if row.via == ADMIN:
        badge = world.badges[row.obj]
        url = f"/django-admin/badges/badge/{badge.pk}/change/"
        return _answer(_page_client(world, row.actor).get(url))
    response = _api_client(world, row.actor).get(f"/api/v1/volunteers/{pk}")
    if response.status_code == 200:
        assert _json(response)["id"] == pk
    return response.status_code


def _change(world: SimpleNamespace, row: Row) -> int | str:
    if row.obj in CALLOUTS:
        return _callout(world, row)
    if row.obj in RECOGNITION:
        return _award(world, row)
    if row.obj in SELECTIONS:
        return _selection(world, row)
    if row.obj in POSTS:
        return _post(world, row)
    if row.obj in PROOFS:
        return _proof(world, row)
    if row.obj in LEDGER:
        return _ledger(world, row)
    if row.obj in CAMPAIGNS:
        return _campaign(world, row)
    pk = world.vols[row.obj].pk
    if row.via == PAGE:
        data = {"status-to_status": Status.SUSPENDED, "status-reason": "矩阵测试"}
        answer = _answer(_page_client(world, row.actor).post(f"/people/{pk}/status/", data))
        changed = Volunteer.objects.get(pk=pk).status == Status.SUSPENDED
    else:
        answer = (
            _api_client(world, row.actor)
            .patch(
                f"/api/v1/volunteers/{pk}",
                {"address": "矩阵路1号"},
                content_type="application/json",
            )
            .status_code
        )
        changed = Volunteer.objects.get(pk=pk).address == "矩阵路1号"
    # A refused write changed nothing; an allowed one changed the field.
    assert changed == row.allowed, f"changed={changed}"
    return answer


def _export(world: SimpleNamespace, row: Row) -> int | str:
    response = _page_client(world, row.actor).get("/spreadsheets/roster/export/?format=csv")
    if response.status_code != 200:
        return _answer(response)
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    name = Volunteer.objects.get(pk=world.vols[row.obj].pk).name
    return LISTED if name in content else UNLISTED


def _reveal(world: SimpleNamespace, row: Row) -> int | str:
    pk, full = world.vols[row.obj].pk, world.ids[row.obj]
    reason = {"reason": "核对保险信息"}
    before = AuditEntry.objects.filter(action="volunteer.reveal").count()
    if row.via == PAGE:
        client = _page_client(world, row.actor)
        response = client.post(f"/people/{pk}/reveal/id_number/", reason)
        answer: int | str = _answer(response)
        if answer == 200:
            answer = REVEALED if full in response.content.decode() else "200-without-number"
    elif row.via == API:
        response = _api_client(world, row.actor).post(
            f"/api/v1/volunteers/{pk}/reveal",
            {"field": "id_number", **reason},
            content_type="application/json",
        )
        answer = response.status_code
        if answer == 200:
            answer = REVEALED if _json(response)["value"] == full else "200-without-number"
    else:
        client = _page_client(world, row.actor)
        response = client.post(
            "/spreadsheets/roster/export/", {"format": "csv", "values": "full", **reason}
        )
        answer = _answer(response)
        if answer == 200:
            content = b"".join(response.streaming_content).decode("utf-8-sig")
            masked = world.masked[row.obj][0]
            answer = FULL if full in content else MASKED if masked in content else UNLISTED
        # An export is logged whatever it holds; only a refused reveal logs nothing.
        return answer
    revealed_logged = AuditEntry.objects.filter(action="volunteer.reveal").count() > before
    assert revealed_logged == row.allowed, f"logged={revealed_logged}"
    return answer


def _audit_log(world: SimpleNamespace, row: Row) -> int | str:
    if row.via == PAGE:
        client = _page_client(world, row.actor)
        response = client.get("/audit/")
        if response.status_code != 200:
            return _answer(response)
        pages = response.context["page_obj"].paginator.num_pages
        text = "".join(
            client.get(f"/audit/?page={n}").content.decode() for n in range(1, pages + 1)
        )
    else:
        response = _api_client(world, row.actor).get("/api/v1/audit?limit=500")
        if response.status_code != 200:
            return response.status_code
        text = json.dumps(_json(response), ensure_ascii=False)
    traces = [world.names[row.obj], *world.masked[row.obj]]
    found = [t for t in traces if t and t in text]
    if world.names[row.obj] in found:
        return SHOWN
    return HIDDEN if not found else f"shows {found}"


def _scan_item(world: SimpleNamespace, row: Row, key: uuid.UUID) -> dict[str, Any]:
    """The batch item a row's path sends (an API_* via)."""
    scanned_at = timezone.now() - timedelta(minutes=1)  # a phone that was offline a minute
    item: dict[str, Any] = {
        "idempotency_key": str(key),
        "kind": "out" if row.action == CHECK_OUT else "in",
        "scanned_at": scanned_at.isoformat(),
        "reason": "手机没电",
    }
    if row.via == API_POST_QR:
        # The code current when the phone scanned it.
        token = post_token(world.shifts["dave-shift"].pk, at=scanned_at)
        if row.obj == "forged-code":
            token = token[:-1] + ("A" if token[-1] != "A" else "B")
        return {**item, "method": "post_qr", "token": token}
    person, shift = row.obj.split("@")
    item["shift_id"] = world.shifts[shift].pk
    if row.via == API_BADGE:
        return {**item, "method": "badge", "token": badge_token(world.badges[person])}
    if row.via == API_HAND_BADGE:
        return {**item, "method": "manual", "token": badge_token(world.badges[person])}
    if row.via == API_VOLUNTEER:
        return {**item, "method": "manual", "volunteer_id": world.vols[person].pk}
    signup_id = world.signups[row.obj].pk
    if row.via == API_SELF:
        return {**item, "method": "self", "signup_id": signup_id}
    return {**item, "method": "manual", "signup_id": signup_id}


def _stays(world: SimpleNamespace, obj: str) -> Any:
    if "@" not in obj:  # a post code: whoever scanned it, on dave-shift
        return Attendance.objects.filter(shift=world.shifts["dave-shift"])
    person, shift = obj.split("@")
    return Attendance.objects.filter(shift=world.shifts[shift], volunteer=world.vols[person])


def _item_answer(response: HttpResponse) -> tuple[int | str, dict[str, Any] | None]:
    if response.status_code != 200:
        return response.status_code, None
    result = _json(response)["results"][0]
    return (result["status"] if result["status"] != "refused" else result["code"]), result


def _check(world: SimpleNamespace, row: Row) -> int | str:
    """Check-in and check-out on every path; afterwards, a refused scan recorded nothing."""
    if row.via == API_BATCH:
        return _batch(world, row)
    open_before = _stays(world, row.obj).filter(out_at__isnull=True).count()
    if row.via == POST_FORM:
        _person, shift = row.obj.split("@")
        data = {
            "method": "manual",
            "kind": "out" if row.action == CHECK_OUT else "in",
            "signup_id": world.signups[row.obj].pk,
            "reason": "手机没电",
            "key": str(uuid.uuid4()),
        }
        client = _page_client(world, row.actor)
        response = client.post(f"/attendance/post/{world.shifts[shift].pk}/record/", data)
        answer: int | str = _answer(response)
        if answer == 302:
            levels = {m.level_tag for m in get_messages(response.wsgi_request)}
            answer = REFUSED if "error" in levels else OK
    elif row.via == STATION:
        token = post_token(world.shifts["dave-shift"].pk, at=timezone.now())
        if row.obj == "forged-code":
            token = token[:-1] + ("A" if token[-1] != "A" else "B")
        client = _page_client(world, row.actor)
        response = client.post(f"/attendance/scan/{token}", {"key": str(uuid.uuid4())})
        answer = _answer(response)
        if answer == 200:
            result = response.context["result"]
            answer = result.code if result.status == "refused" else result.status
    else:
        item = _scan_item(world, row, uuid.uuid4())
        response = _api_client(world, row.actor).post(
            "/api/v1/attendance/scans", {"scans": [item]}, content_type="application/json"
        )
        answer, _result = _item_answer(response)
    stays = _stays(world, row.obj)
    if row.action == CHECK_IN:
        recorded = stays.filter(out_at__isnull=True).count() > open_before
    else:
        recorded = stays.filter(out_at__isnull=True).count() < open_before
    assert recorded == row.allowed, f"recorded={recorded}"
    if row.obj.startswith("waitlisted@") and row.allowed:
        # Promoted, not a second sign-up beside the wait-listed one.
        _assert_promoted(world)
    return answer


def _assert_promoted(world: SimpleNamespace) -> None:
    """The wait-listed sign-up became the confirmed one; no second sign-up beside it."""
    signups = SignUp.objects.filter(
        volunteer=world.vols["waitlisted"], shift=world.shifts["dave-shift"]
    )
    assert [s.state for s in signups] == [SignUpState.CONFIRMED]


def _batch(world: SimpleNamespace, row: Row) -> int | str:
    """The wait-listed person by hand, then 王建国 by his sign-up, in one batch: each item
    answers for itself, and 王建国 is recorded whatever became of the first."""
    first = R(row.actor, CHECK_IN, "waitlisted@dave-shift", API_VOLUNTEER, OK)
    second = R(row.actor, CHECK_IN, "chongli-first@dave-shift", API_SIGNUP, OK)
    items = [_scan_item(world, r, uuid.uuid4()) for r in (first, second)]
    response = _api_client(world, row.actor).post(
        "/api/v1/attendance/scans", {"scans": items}, content_type="application/json"
    )
    if response.status_code != 200:
        return response.status_code
    assert _stays(world, "chongli-first@dave-shift").exists()
    _assert_promoted(world)
    return ",".join(r["code"] or r["status"] for r in _json(response)["results"])


def _replay(world: SimpleNamespace, row: Row) -> int | str:
    """The key of a scan recorded earlier arrives again; never a second record."""
    key = world.keys["out" if "checked-out" in row.given else "in"]
    count = Attendance.objects.count()
    if row.via == POST_FORM:
        _person, shift = row.obj.split("@")
        data = {
            "method": "manual",
            "kind": "in",
            "signup_id": world.signups[row.obj].pk,
            "reason": "手机没电",
            "key": str(key),
        }
        client = _page_client(world, row.actor)
        response = client.post(f"/attendance/post/{world.shifts[shift].pk}/record/", data)
        answer: int | str = _answer(response)
        if answer == 302:
            levels = {m.level_tag for m in get_messages(response.wsgi_request)}
            answer = REFUSED if "error" in levels else OK
    else:
        action = CHECK_OUT if "checked-out" in row.given else CHECK_IN
        item = _scan_item(world, R(row.actor, action, row.obj, row.via, OK), key)
        response = _api_client(world, row.actor).post(
            "/api/v1/attendance/scans", {"scans": [item]}, content_type="application/json"
        )
        answer, result = _item_answer(response)
        if answer == DUPLICATE and result is not None and result["attendance"] is None:
            answer = DUPLICATE_HIDDEN
    assert Attendance.objects.count() == count
    return answer


def _verify(world: SimpleNamespace, row: Row) -> int | str:
    response = Client().get(f"/v/{badge_token(world.badges[row.obj])}")
    assert response.status_code == 200
    return str(response.context["result"].state)


DRIVERS = {
    LIST: _list,
    READ: _read,
    CHANGE: _change,
    EXPORT: _export,
    REVEAL: _reveal,
    AUDIT_LOG: _audit_log,
    CHECK_IN: _check,
    CHECK_OUT: _check,
    REPLAY: _replay,
    VERIFY: _verify,
}


def _params() -> list[Any]:
    return [pytest.param(row, id=row.id) for row in TABLE]


@pytest.mark.parametrize("row", _params())
def test_who_may_do_what(world: SimpleNamespace, row: Row) -> None:
    world.keys = {}
    if "stay" in row.given:
        _scan(world, "root", row.obj, "in", uuid.uuid4())
    if {"recorded", "checked-out"} & set(row.given):
        world.keys["in"] = uuid.uuid4()
        _scan(world, "dave", row.obj, "in", world.keys["in"])
    if "checked-out" in row.given:
        world.keys["out"] = uuid.uuid4()
        _scan(world, "dave", row.obj, "out", world.keys["out"])
    if "erased" in row.obj or row.actor == "ed":
        _erase(world)
    assert DRIVERS[row.action](world, row) == row.expect


# --- the table itself -------------------------------------------------------------------------


def test_every_refusal_has_an_allowed_twin() -> None:
    """A refused row is paired with an allowed row on the same operation and object (or the
    live twin of an object nobody may reach), so the table cannot pass by refusing all."""
    allowed = {(r.action, r.via, r.obj) for r in TABLE if r.allowed}
    missing = [
        r.id
        for r in TABLE
        if not r.allowed
        and (r.action, r.via, r.obj) not in allowed
        and (r.action, r.via, TWINS.get(r.obj.split("@")[0], "") + _at(r.obj)) not in allowed
    ]
    assert missing == []


def _at(obj: str) -> str:
    return obj[obj.index("@") :] if "@" in obj else ""


def test_the_table_names_only_known_actors_and_objects_and_each_row_once() -> None:
    assert {r.actor for r in TABLE} <= set(ACTORS)
    assert {r.obj for r in TABLE} <= set(OBJECTS)
    ids = [r.id for r in TABLE]
    assert len(ids) == len(set(ids))


def test_the_edges_lie_where_the_table_says(world: SimpleNamespace) -> None:
    """The objects really sit on the edges of the scopes: first and last id of a range, the
    upper bound + 1, and a village whose range is a single id."""
    cast, vols = world.cast, world.vols
    chongli_low, chongli_high = cast.chongli.id_range
    xiwanzi_low, xiwanzi_high = cast.xiwanzi.id_range
    village = Region.objects.get(code="130709100201")
    assert village.id_range == (village.pk, village.pk)
    assert vols["chongli-first"].region_id == chongli_low
    assert vols["chongli-last"].region_id == chongli_high
    assert vols["chongli-next"].region_id == chongli_high + 1 == 130710000000
    assert vols["xiwanzi-first"].region_id == xiwanzi_low
    assert vols["xiwanzi-last"].region_id == xiwanzi_high
    assert vols["xiwanzi-next"].region_id == xiwanzi_high + 1
    assert vols["village"].region_id == village.pk
    assert vols["village-next"].region_id == village.pk + 1


# --- the table as Markdown, for docs/testing.md ----------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
START, END = "<!-- access-matrix:start -->", "<!-- access-matrix:end -->"
GROUPS = [
    ("Volunteers: list, read, change", (LIST, READ, CHANGE)),
    ("Campaigns: list, read, change", (LIST, READ, CHANGE)),
    ("Hours ledger: list, read, confirm", (LIST, READ, CHANGE)),
    ("Proofs of service: list, read, revoke", (LIST, READ, CHANGE)),
    ("Call-outs: list, read, close", (LIST, READ, CHANGE)),
    ("Selections by criteria: list, read, approve", (LIST, READ, CHANGE)),
    ("Yearly statement: read", (READ,)),
    ("Public posts: list, read, publish", (LIST, READ, CHANGE)),
    ("Hours ledger: list, read, confirm (claims: approve)", (LIST, READ, CHANGE)),
    ("Roster export and revealing full numbers", (EXPORT, REVEAL)),
    ("The audit log", (AUDIT_LOG,)),
    ("Check-in and check-out", (CHECK_IN, CHECK_OUT)),
    ("Offline replay (the same idempotency key again)", (REPLAY,)),
    ("The public badge check", (VERIFY,)),
    ("The report's figures", (READ,)),
]


def _cell(value: int | str) -> str:
    return f"`{value}`"


def _kind(obj: str) -> str:
    if obj in CALLOUTS:
        return "callout"
    if obj in SELECTIONS:
        return "selection"
    if obj in EXCHANGE:
        return "exchange"
    if obj in POSTS:
        return "post"
    if obj in PROOFS:
        return "proof"
    if obj in REPORTS:
        return "story"
    return "campaign" if obj in CAMPAIGNS else "ledger" if obj in LEDGER else ""


def markdown() -> str:
    """The section between the markers in docs/testing.md."""
    lines = [
        START,
        "",
        "Generated from `TABLE` in `tests/core/test_access_matrix.py`; do not edit by "
        "hand. After changing the table run",
        "`VETSERVE_WRITE_DOCS=1 uv run pytest tests/core/test_access_matrix.py -k docs`.",
        "",
        "Actors:",
        "",
        *[f"- **{name}**: {text}" for name, text in ACTORS.items()],
        "",
        "Objects:",
        "",
        *[f"- **{name}**: {text}" for name, text in VOLUNTEERS.items()],
        *[f"- **{name}**: {text}" for name, text in SHIFTS.items()],
        *[f"- **{name}**: {text}" for name, text in CAMPAIGNS.items()],
        *[f"- **{name}**: {text}" for name, text in LEDGER.items()],
        *[f"- **{name}**: {text}" for name, text in PROOFS.items()],
        *[f"- **{name}**: {text}" for name, text in CALLOUTS.items()],
        *[f"- **{name}**: {text}" for name, text in REPORTS.items()],
        *[f"- **{name}**: {text}" for name, text in SELECTIONS.items()],
        *[f"- **{name}**: {text}" for name, text in EXCHANGE.items()],
        *[f"- **{name}**: {text}" for name, text in POSTS.items()],
        "",
    ]
    for title, actions in GROUPS:
        kind = "campaign" if title.startswith("Campaigns") else ""
        kind = "ledger" if title.startswith("Hours ledger") else kind
        kind = "proof" if title.startswith("Proofs of service") else kind
        kind = "callout" if title.startswith("Call-outs") else kind
        kind = "story" if title.startswith("The report's figures") else kind
        kind = "selection" if title.startswith("Selections") else kind
        kind = "exchange" if title.startswith("Yearly statement") else kind
        kind = "post" if title.startswith("Public posts") else kind
        rows = [r for r in TABLE if r.action in actions and _kind(r.obj) == kind]
        lines += [
            f"### {title}",
            "",
            "| actor | action | object | via | outcome | expected | note |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            note = f"{DEFECTS[r.defect]} (regression test)" if r.defect else ""
            if r.given:
                note = ", ".join([*(f"given {g}" for g in r.given), *([note] if note else [])])
            outcome = "allowed" if r.allowed else "refused"
            lines.append(
                f"| {r.actor} | {r.action} | {r.obj} | {r.via} | {outcome} | {_cell(r.expect)} "
                f"| {note} |"
            )
        lines.append("")
    counts = {}
    for r in TABLE:
        counts[r.via] = counts.get(r.via, 0) + 1
    lines += [
        f"{len(TABLE)} rows: "
        + ", ".join(f"{via} {n}" for via, n in sorted(counts.items(), key=lambda c: -c[1]))
        + ".",
        "",
        END,
    ]
    return "\n".join(lines)


def test_the_docs_show_this_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = re.search(re.escape(START) + ".*?" + re.escape(END), text, flags=re.S)
    assert section is not None, f"{DOC} lacks the {START} … {END} markers"
    if os.environ.get("VETSERVE_WRITE_DOCS") == "1":
        DOC.write_text(text.replace(section.group(0), markdown()), encoding="utf-8")
    else:
        assert section.group(0) == markdown(), (
            "docs/testing.md is out of date: run "
            "VETSERVE_WRITE_DOCS=1 uv run pytest tests/core/test_access_matrix.py -k docs"
        )
