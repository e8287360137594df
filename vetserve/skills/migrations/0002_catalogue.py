"""The starting catalogue: skills, military specialties and qualification types in Chinese,
as city administrators will find them; they edit it afterwards. Written out here (not imported)
so the migration stays what it was when it ran."""

from django.db import migrations

SKILLS = [
    # (code, name, category)
    ("emergency_rescue", "应急救援", "rescue"),
    ("mountain_rescue", "山地搜救", "rescue"),
    ("water_rescue", "水上救援", "rescue"),
    ("first_aid", "急救", "medical"),
    ("medical_care", "医疗护理", "medical"),
    ("driving", "驾驶", "driving"),
    ("driving_a1", "驾驶（A1 大型客车）", "driving"),
    ("driving_a2", "驾驶（A2 牵引车）", "driving"),
    ("driving_a3", "驾驶（A3 城市公交车）", "driving"),
    ("driving_b1", "驾驶（B1 中型客车）", "driving"),
    ("driving_b2", "驾驶（B2 大型货车）", "driving"),
    ("driving_c1", "驾驶（C1 小型汽车）", "driving"),
    ("driving_c2", "驾驶（C2 小型自动挡汽车）", "driving"),
    ("traffic_control", "交通疏导", "order"),
    ("order_maintenance", "秩序维护", "order"),
    ("snow_clearing", "清雪除冰", "service"),
    ("disinfection", "消杀", "service"),
    ("material_transport", "物资搬运", "service"),
    ("psych_support", "心理疏导", "support"),
    ("communications", "通信", "communication"),
    ("radio", "无线电操作", "communication"),
    ("english", "外语（英语）", "language"),
    ("russian", "外语（俄语）", "language"),
    ("sign_language", "手语", "language"),
]

SPECIALTIES = [
    # (specialty text as found in discharge papers, skill code, level)
    ("卫生员", "first_aid", 2),
    ("卫生员", "medical_care", 1),
    ("军医", "first_aid", 3),
    ("军医", "medical_care", 3),
    ("护士", "first_aid", 2),
    ("护士", "medical_care", 2),
    ("驾驶员", "driving", 2),
    ("汽车兵", "driving", 2),
    ("通信兵", "communications", 2),
    ("报务员", "communications", 2),
    ("报务员", "radio", 2),
    ("工程兵", "emergency_rescue", 2),
    ("舟桥兵", "water_rescue", 1),
    ("舟桥兵", "emergency_rescue", 1),
    ("防化兵", "disinfection", 2),
    ("侦察兵", "mountain_rescue", 1),
    ("消防", "emergency_rescue", 2),
    ("警卫", "order_maintenance", 2),
]

YEARS_3 = 3 * 365 + 1
LICENCE_BODY = "公安机关交通管理部门"
TYPES = [
    # (code, name, issuing body, validity days or None, is_insurance)
    ("rc_first_aider", "救护员证", "中国红十字会", YEARS_3, False),
    ("first_aider_senior", "急救员（高级）证", "红十字会 / 人力资源社会保障部门", YEARS_3, False),
    ("rescuer", "应急救援员证", "应急管理部门", YEARS_3, False),
    ("physician", "医师执业证书", "卫生健康行政部门", None, False),
    # Nurses re-register every five years.
    ("nurse", "护士执业证书", "卫生健康行政部门", 5 * 365 + 1, False),
    ("licence_a1", "机动车驾驶证（A1）", LICENCE_BODY, 10 * 365 + 2, False),
    ("licence_a2", "机动车驾驶证（A2）", LICENCE_BODY, 10 * 365 + 2, False),
    ("licence_a3", "机动车驾驶证（A3）", LICENCE_BODY, 10 * 365 + 2, False),
    ("licence_b1", "机动车驾驶证（B1）", LICENCE_BODY, 10 * 365 + 2, False),
    ("licence_b2", "机动车驾驶证（B2）", LICENCE_BODY, 10 * 365 + 2, False),
    ("licence_c1", "机动车驾驶证（C1）", LICENCE_BODY, 10 * 365 + 2, False),
    ("licence_c2", "机动车驾驶证（C2）", LICENCE_BODY, 10 * 365 + 2, False),
    ("licence_c3", "机动车驾驶证（C3）", LICENCE_BODY, 10 * 365 + 2, False),
    ("licence_c4", "机动车驾驶证（C4）", LICENCE_BODY, 10 * 365 + 2, False),
    ("health_check", "健康体检证明", "医疗机构", 365, False),
    ("accident_insurance", "志愿者意外伤害保险", "保险公司", 365, True),
]

# Licence classes a holder may also drive (《机动车驾驶证申领和使用规定》 准驾车型);
# the rest follows transitively.
INCLUDES = [
    ("first_aider_senior", "rc_first_aider"),
    ("licence_a1", "licence_a3"),
    ("licence_a1", "licence_b1"),
    ("licence_a1", "licence_b2"),
    ("licence_a1", "licence_c1"),
    ("licence_a2", "licence_b1"),
    ("licence_a2", "licence_b2"),
    ("licence_a2", "licence_c1"),
    ("licence_a3", "licence_c1"),
    ("licence_b1", "licence_c1"),
    ("licence_b2", "licence_c1"),
    ("licence_c1", "licence_c2"),
    ("licence_c1", "licence_c3"),
    ("licence_c3", "licence_c4"),
]


def seed(apps, schema_editor):
    Skill = apps.get_model("skills", "Skill")
    Mapping = apps.get_model("skills", "MilitarySpecialtyMapping")
    QualificationType = apps.get_model("skills", "QualificationType")
    skills = {}
    for code, name, category in SKILLS:
        skills[code], _ = Skill.objects.get_or_create(
            code=code, defaults={"name": name, "category": category}
        )
    for specialty, code, level in SPECIALTIES:
        Mapping.objects.get_or_create(
            specialty=specialty, skill=skills[code], defaults={"level": level}
        )
    types = {}
    for code, name, body, days, insurance in TYPES:
        types[code], _ = QualificationType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "issuing_body": body,
                "validity_days": days,
                "is_insurance": insurance,
            },
        )
    for higher, lower in INCLUDES:
        types[higher].includes.add(types[lower])


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
