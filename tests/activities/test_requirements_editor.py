"""The shift requirements editor: skills and qualifications picked by name in rows, never JSON,
and requirements read back as a line of text."""

from __future__ import annotations

from typing import Any

from tests.activities.conftest import requirement_fields
from tests.conftest import login
from vetserve.activities.models import Shift
from vetserve.skills.models import QualificationType, Skill


def ids() -> dict[str, int]:
    skills = dict(Skill.objects.values_list("code", "pk"))
    types = dict(QualificationType.objects.values_list("code", "pk"))
    return {
        "first_aid": skills["first_aid"],
        "rc_first_aider": types["rc_first_aider"],
        "rescuer": types["rescuer"],
    }


def edit(**extra: Any) -> dict[str, Any]:
    return {"post": "救护点", "min_people": 1, "wanted_people": 2, "max_people": 3, **extra}


def test_the_shift_editor_offers_skills_and_qualifications_by_name_not_json(cast, shift, client):
    login(client, cast.dave)
    page = client.get(f"/activities/shifts/{shift.pk}/edit/").content.decode()
    assert ">急救</option>" in page and "救护员证" in page
    assert 'name="requirements"' not in page and "qualification_groups" not in page
    assert "请选择…" in page and "---------" not in page


def test_requirements_picked_by_name_are_stored_and_read_back_as_text(cast, shift, client):
    n = ids()
    login(client, cast.dave)
    fields = requirement_fields(
        skills=[(n["first_aid"], 2)],
        groups=[[n["rc_first_aider"], n["rescuer"]]],
        min_age=18,
        max_age=65,
    )
    response = client.post(f"/activities/shifts/{shift.pk}/edit/", edit(**fields))
    assert response.status_code == 302
    stored = Shift.objects.get(pk=shift.pk).requirements
    assert stored == {
        "skills": [[n["first_aid"], 2]],
        "qualification_groups": [sorted([n["rc_first_aider"], n["rescuer"]])],
        "min_age": 18,
        "max_age": 65,
    }
    shown = client.get(f"/activities/shifts/{shift.pk}/").content.decode()
    assert "急救（熟练及以上）、持有效" in shown and "年龄18至65岁" in shown
    assert "救护员证或应急救援员证" in shown or "应急救援员证或救护员证" in shown
    activity = client.get(f"/activities/{shift.activity_id}/").content.decode()
    assert "急救（熟练及以上）" in activity


def test_the_editor_shows_stored_requirements_and_saving_unchanged_keeps_them(cast, shift, client):
    n = ids()
    login(client, cast.dave)
    fields = requirement_fields(skills=[(n["first_aid"], 3)], groups=[[n["rescuer"]]], min_age=20)
    client.post(f"/activities/shifts/{shift.pk}/edit/", edit(**fields))
    before = Shift.objects.get(pk=shift.pk).requirements
    page = client.get(f"/activities/shifts/{shift.pk}/edit/").content.decode()
    assert f'<option value="{n["first_aid"]}" selected>急救</option>' in page
    assert 'name="req-min_age" value="20"' in page
    # The page posts back what it shows, as a person pressing "save" would.
    again = {
        **requirement_fields(skills=[(n["first_aid"], 3)], groups=[[n["rescuer"]]], min_age=20),
        "req-skills-INITIAL_FORMS": "1",
        "req-groups-INITIAL_FORMS": "1",
    }
    client.post(f"/activities/shifts/{shift.pk}/edit/", edit(**again))
    assert Shift.objects.get(pk=shift.pk).requirements == before


def test_adding_a_row_brings_the_editor_back_with_one_more_row_and_saves_nothing(
    cast, shift, client
):
    n = ids()
    login(client, cast.dave)
    fields = requirement_fields(skills=[(n["first_aid"], 1)])
    response = client.post(
        f"/activities/shifts/{shift.pk}/edit/",
        edit(**fields, **{"req-add": "skill", "post": "新岗位"}),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="req-skills-1-skill"' in page
    assert f'<option value="{n["first_aid"]}" selected>急救</option>' in page
    assert Shift.objects.get(pk=shift.pk).post == shift.post


def test_a_row_marked_for_removal_is_dropped(cast, shift, client):
    n = ids()
    login(client, cast.dave)
    fields = requirement_fields(skills=[(n["first_aid"], 1)], groups=[[n["rescuer"]]])
    client.post(f"/activities/shifts/{shift.pk}/edit/", edit(**fields))
    client.post(
        f"/activities/shifts/{shift.pk}/edit/", edit(**fields, **{"req-skills-0-DELETE": "on"})
    )
    assert Shift.objects.get(pk=shift.pk).requirements == {"qualification_groups": [[n["rescuer"]]]}


def test_impossible_ages_are_refused_in_chinese_and_nothing_is_saved(cast, shift, client):
    login(client, cast.dave)
    fields = requirement_fields(min_age=70, max_age=60)
    response = client.post(f"/activities/shifts/{shift.pk}/edit/", edit(**fields, post="改了"))
    assert response.status_code == 200
    assert "最小年龄" in response.content.decode() or "年龄" in response.content.decode()
    changed = Shift.objects.get(pk=shift.pk)
    assert changed.post == shift.post and changed.requirements == shift.requirements


def test_a_new_shift_takes_its_requirements_from_the_editor(cast, activity, client):
    n = ids()
    login(client, cast.dave)
    response = client.post(
        f"/activities/{activity.pk}/shifts/new/",
        {
            **edit(),
            "starts_at": "2031-01-05T08:00",
            "ends_at": "2031-01-05T12:00",
            **requirement_fields(groups=[[n["rc_first_aider"]]], insurance_required=True),
        },
    )
    assert response.status_code == 302
    shift = Shift.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert shift.requirements == {
        "qualification_groups": [[n["rc_first_aider"]]],
        "insurance_required": True,
    }


def test_status_buttons_say_what_they_do(cast, activity, client):
    login(client, cast.dave)
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "标记为进行中" in page and "取消活动" in page
    assert "→" not in page.split("<main", 1)[-1]
