"""The outcome figures of the story, each with its unit and the categories it belongs to."""

from django.db import migrations

OUTCOME_TYPES = [
    # code, name, unit, categories
    ("snow_cleared_m2", "清除冰雪面积", "平方米", ["snow_ice"]),
    ("disinfected_m2", "消杀面积", "平方米", ["disinfection", "checkpoint"]),
    ("vehicles_checked", "检查车辆", "辆", ["checkpoint", "traffic"]),
    ("people_checked", "检查人员", "人次", ["checkpoint"]),
    ("people_treated", "救治伤病员", "人次", ["first_aid", "road_rescue"]),
    ("events_covered", "保障赛事/活动", "场", ["first_aid"]),
    ("trips", "运输/救援出车", "趟", ["transport", "road_rescue"]),
    ("blood_ml", "献血量", "毫升", ["blood"]),
    ("people_served", "服务群众", "人次", []),
    ("households_helped", "帮扶户数", "户", ["poverty_aid"]),
]


def seed(apps, schema_editor):
    OutcomeType = apps.get_model("activities", "OutcomeType")
    for i, (code, name, unit, categories) in enumerate(OUTCOME_TYPES):
        OutcomeType.objects.update_or_create(
            code=code,
            defaults={"name": name, "unit": unit, "categories": categories, "ordering": i},
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
