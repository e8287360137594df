from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.skills.conftest import qtype, register
from vetserve.accounts.models import Grant, Role
from vetserve.audit.models import AuditEntry
from vetserve.notify.models import Notification
from vetserve.skills import selectors, services
from vetserve.skills.models import Qualification, SentReminder, Skill, Source, VolunteerSkill

AT = datetime(2022, 2, 1, 4, 0, tzinfo=UTC)


def test_the_catalogue_is_seeded_in_chinese_with_licence_inclusion(db):
    assert Skill.objects.get(code="first_aid").name == "急救"
    cat = selectors.qualification_catalogue()
    assert qtype("licence_a1").pk in cat.satisfiers(qtype("licence_c4").pk)
    assert qtype("first_aider_senior").pk in cat.satisfiers(qtype("rc_first_aider").pk)
    assert qtype("physician").validity_days is None
    assert qtype("accident_insurance").is_insurance


def test_a_qualification_without_expiry_runs_for_the_types_validity(cast, wang):
    q = services.qualification_add(
        actor=cast.bob, volunteer=wang, type=qtype("health_check"), issued_on=date(2022, 1, 1)
    )
    assert q.expires_on == date(2022, 12, 31)
    red_cross = services.qualification_add(
        actor=cast.bob, volunteer=wang, type=qtype("rc_first_aider"), issued_on=date(2019, 1, 16)
    )
    assert red_cross.expires_on == date(2022, 1, 15)
    with pytest.raises(ValidationError):
        services.qualification_add(actor=cast.bob, volunteer=wang, type=qtype("rc_first_aider"))
    assert AuditEntry.objects.filter(action="qualification.add").count() == 2


def test_a_scan_must_be_a_small_pdf_jpg_or_png(cast, wang):
    fake = SimpleUploadedFile("cert.pdf", b"MZ not a pdf at all")
    with pytest.raises(ValidationError):
        services.qualification_add(
            actor=cast.bob, volunteer=wang, type=qtype("physician"), scan=fake
        )
    good = SimpleUploadedFile("cert.pdf", b"%PDF-1.4 minimal")
    q = services.qualification_add(
        actor=cast.bob, volunteer=wang, type=qtype("physician"), scan=good
    )
    assert q.scan.name.endswith(".pdf")
    q.scan.delete(save=False)


def test_eligibility_from_the_database_counts_only_verified_unexpired_unrevoked(cast, wang):
    need = selectors.requirement_from_codes(qualification_groups=[["rc_first_aider", "nurse"]])
    assert selectors.eligibility_for(wang, need, AT).texts() == ["无护士执业证书或救护员证"]
    q = services.qualification_add(
        actor=wang.user or cast.bob,
        volunteer=wang,
        type=qtype("first_aider_senior"),
        issued_on=date(2021, 5, 1),
    )
    assert selectors.eligibility_for(wang, need, AT).texts() == ["急救员（高级）证尚未核验"]
    services.qualification_verify(actor=cast.bob, qualification=q)
    assert selectors.eligibility_for(wang, need, AT).ok
    services.qualification_revoke(actor=cast.bob, qualification=q, reason="录入错误")
    assert not selectors.eligibility_for(wang, need, AT).ok


def test_the_bulk_loader_takes_a_fixed_number_of_queries(cast, wang, li, django_assert_num_queries):
    for v in (wang, li):
        services.qualification_add(
            actor=cast.alice, volunteer=v, type=qtype("licence_b1"), issued_on=date(2020, 1, 1)
        )
        services.volunteer_skill_grant(actor=cast.alice, volunteer=v, skill=Skill.objects.first())
    from vetserve.people.models import Volunteer

    with django_assert_num_queries(3):
        facts = selectors.eligibility_facts(Volunteer.objects.all())
    assert len(facts) == 2 and all(f.skills and f.qualifications for f in facts)


def test_skills_self_declared_confirmed_and_derived_from_the_specialty(cast, wang):
    wang.user = cast.erin
    wang.save(update_fields=["user"])
    first_aid = Skill.objects.get(code="first_aid")
    declared = services.volunteer_skill_grant(actor=cast.erin, volunteer=wang, skill=first_aid)
    assert declared.source == Source.SELF
    services.volunteer_skill_confirm(actor=cast.dave, volunteer_skill=declared, level=2)
    with pytest.raises(ValidationError):
        services.volunteer_skill_grant(actor=cast.erin, volunteer=wang, skill=first_aid, level=3)
    added = services.volunteer_skills_derive(actor=cast.bob, volunteer=wang)
    assert [r.skill.code for r in added] == ["medical_care"]  # first aid was there already
    with pytest.raises(PermissionDenied):
        services.volunteer_skill_grant(actor=cast.carol, volunteer=wang, skill=first_aid)


def test_outsiders_see_no_skills_qualifications_or_enrolments(cast, wang, li):
    services.volunteer_skills_derive(actor=cast.bob, volunteer=wang)
    q = services.qualification_add(
        actor=cast.bob, volunteer=wang, type=qtype("physician"), verified=True
    )
    assert selectors.qualification_list(user=cast.bob).get() == q
    assert selectors.qualification_list(user=cast.dave).get() == q  # his team's member
    for outsider in (cast.mallory, cast.carol, cast.erin):
        assert not selectors.qualification_list(user=outsider).exists()
        assert not selectors.volunteer_skill_list(user=outsider).exists()
        assert not selectors.qualifications_expiring(user=outsider, within_days=9999).exists()
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.access_qualification(cast.carol, q.pk)
    with pytest.raises(PermissionDenied):
        services.qualification_verify(actor=cast.carol, qualification=q)


def course_and_session(cast, capacity=2, grants="rc_first_aider", validity=None):
    course = services.course_create(
        actor=cast.bob,
        organizer=cast.chongli_fed,
        name="红十字救护员培训",
        content="心肺复苏、创伤包扎",
        study_hours=Decimal("16"),
        grants_type=qtype(grants) if grants else None,
        grants_validity_days=validity,
    )
    session = services.session_create(
        actor=cast.bob,
        course=course,
        date=date(2021, 12, 4),
        place="崇礼区应急管理局",
        capacity=capacity,
    )
    return course, session


def test_capacity_is_enforced(cast, wang, li):
    _, session = course_and_session(cast, capacity=1)
    services.enrolment_add(actor=cast.bob, session=session, volunteer=wang)
    with pytest.raises(ValidationError) as info:
        services.enrolment_add(actor=cast.alice, session=session, volunteer=li)
    assert info.value.code == "full"
    with pytest.raises(PermissionDenied):
        services.enrolment_add(actor=cast.carol, session=session, volunteer=li)


def test_session_results_grant_qualifications_with_the_courses_validity(cast, wang):
    other = register(cast.bob, cast.xiwanzi_team, name="赵志强", serial=3, phone="13600003333")
    _, session = course_and_session(cast, validity=730)
    for v in (wang, other):
        services.enrolment_add(actor=cast.bob, session=session, volunteer=v)
    services.session_record_results(
        actor=cast.bob,
        session=session,
        results=[
            services.EnrolmentResult(wang.pk, attended=True, passed=True, score=Decimal("92")),
            services.EnrolmentResult(other.pk, attended=False),
        ],
    )
    q = Qualification.objects.get()
    assert (q.volunteer, q.issued_on, q.expires_on, q.is_verified) == (
        wang,
        date(2021, 12, 4),
        date(2023, 12, 3),
        True,
    )
    assert selectors.training_hours(wang) == Decimal("16")
    assert selectors.training_hours(other) == Decimal("0")
    # Recording again does not grant twice; turning the pass into a fail revokes.
    services.session_record_results(
        actor=cast.bob, session=session, results=[services.EnrolmentResult(wang.pk, True, True)]
    )
    assert Qualification.objects.count() == 1
    services.session_record_results(
        actor=cast.bob, session=session, results=[services.EnrolmentResult(wang.pk, True, False)]
    )
    assert Qualification.objects.get().is_revoked


def test_reminders_go_out_once_at_60_30_and_7_days(cast, wang, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    wang.user = cast.erin
    wang.save(update_fields=["user"])
    cast.erin.email = "erin@example.cn"
    cast.erin.save(update_fields=["email"])
    services.qualification_add(
        actor=cast.bob,
        volunteer=wang,
        type=qtype("rc_first_aider"),
        expires_on=date(2022, 3, 31),
        verified=True,
    )

    def run(day):
        return services.qualification_reminders_send(today=date.fromisoformat(day))

    with_commit = pytest.importorskip("django.test").TestCase.captureOnCommitCallbacks
    with with_commit(execute=True):
        sent = [
            run(d)
            for d in (
                "2022-01-01",
                "2022-01-30",
                "2022-01-30",
                "2022-02-15",
                "2022-03-01",
                "2022-03-24",
                "2022-03-25",
                "2022-03-31",
            )
        ]
    assert sent == [0, 1, 0, 0, 1, 1, 0, 0]
    assert SentReminder.objects.count() == 3
    # Erin (the holder) and Dave (leader of the rescue team) each get three.
    assert Notification.objects.filter(user=cast.erin).count() == 3
    assert Notification.objects.filter(user=cast.dave).count() == 3
    assert "救护员证" in Notification.objects.filter(user=cast.erin).first().title
    assert len(mail.outbox) == 3


def test_a_late_first_run_sends_only_the_nearest_threshold(cast, wang):
    services.qualification_add(
        actor=cast.bob, volunteer=wang, type=qtype("health_check"), expires_on=date(2022, 3, 31)
    )
    assert services.qualification_reminders_send(today=date(2022, 3, 26)) == 1
    assert sorted(SentReminder.objects.values_list("threshold_days", flat=True)) == [7, 30, 60]
    assert not Grant.objects.filter(role=Role.ORG_LEADER, user=cast.bob).exists()


def test_the_expiry_reminders_command_runs_the_task(cast, wang, capsys):
    services.qualification_add(
        actor=cast.bob, volunteer=wang, type=qtype("health_check"), expires_on=date(2022, 3, 31)
    )
    call_command("expiry_reminders", "--today", "2022-03-01")
    assert "Sent 1" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="qualification.remind").exists()


def test_qualifications_expiring_lists_soonest_first_within_scope(cast, wang, li):
    for v, day in ((wang, date(2022, 3, 1)), (li, date(2022, 2, 10))):
        services.qualification_add(
            actor=cast.alice, volunteer=v, type=qtype("health_check"), expires_on=day
        )
    soon = selectors.qualifications_expiring(
        user=cast.alice, within_days=30, today=date(2022, 2, 1)
    )
    assert [q.volunteer for q in soon] == [li, wang]
    assert [
        q.volunteer
        for q in selectors.qualifications_expiring(
            user=cast.bob, within_days=30, today=date(2022, 2, 1)
        )
    ] == [wang]
    assert VolunteerSkill.objects.count() == 0
