"""The qualification file's columns, the words offices use for them, and the qualification
types by the names offices write (C1驾照 → 机动车驾驶证（C1）)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from vetserve.core.text import fold_width
from vetserve.people.roster_columns import BY_KEY as ROSTER_COLUMNS
from vetserve.skills.models import QualificationType
from vetserve.spreadsheets.headers import Column, column_lookup
from vetserve.spreadsheets.values import BadValue

COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        pgettext_lazy("roster column", "Name"),
        ("姓名", "名字", "志愿者姓名", "持证人", "name", "fullname"),
    ),
    ROSTER_COLUMNS["id_number"],
    Column(
        "badge",
        pgettext_lazy("qualification column", "Badge number"),
        ("徽章编号", "徽章号", "徽章号码", "志愿者编号", "志愿者证号", "badge", "badgenumber"),
    ),
    Column(
        "type",
        pgettext_lazy("qualification column", "Qualification"),
        (
            "资格证书",
            "证书类型",
            "证书名称",
            "证书种类",
            "资格类型",
            "资格名称",
            "资格",
            "证书",
            "qualification",
            "qualificationtype",
            "certificate",
            "type",
        ),
    ),
    Column(
        "number",
        pgettext_lazy("qualification column", "Certificate number"),
        ("证书编号", "证书号", "证书号码", "证号", "编号", "certificatenumber", "number"),
    ),
    Column(
        "issuer",
        pgettext_lazy("qualification column", "Issued by"),
        ("发证机关", "发证单位", "发证机构", "颁发机构", "颁发单位", "issuer", "issuedby"),
    ),
    Column(
        "issued_on",
        pgettext_lazy("qualification column", "Issued on"),
        (
            "发证日期",
            "颁发日期",
            "取证日期",
            "签发日期",
            "发证时间",
            "issuedon",
            "issuedate",
            "dateissued",
        ),
    ),
    Column(
        "expires_on",
        pgettext_lazy("qualification column", "Valid until"),
        (
            "有效期至",
            "有效期",
            "有效期限",
            "到期日期",
            "到期日",
            "截止日期",
            "失效日期",
            "expireson",
            "expirydate",
            "validuntil",
        ),
    ),
    Column(
        "verified",
        pgettext_lazy("qualification column", "Verified"),
        ("已核验", "是否核验", "核验", "已验证", "核验情况", "verified"),
    ),
)
BY_KEY = {c.key: c for c in COLUMNS}
column_key = column_lookup(COLUMNS)


_TYPE_NOISE = re.compile(r"[\s()\[\]（）【】·.,，、:：_/-]+")
# Words offices use for the seeded types, beyond their names (see migration 0002).
TYPE_ALIASES = {
    "rc_first_aider": ("救护员", "红十字救护员", "红十字救护员证", "救护证"),
    "first_aider_senior": ("急救员高级", "高级急救员", "急救员证高级", "高级急救员证"),
    "rescuer": ("应急救援员", "救援员证", "救援员"),
    "physician": ("执业医师", "医师", "医师证", "医师资格证", "医师资格证书", "执业医师证"),
    "nurse": ("护士", "护士证", "执业护士", "护士资格证", "护士执业证"),
    "health_check": ("体检证明", "健康证明", "健康体检", "体检"),
    "accident_insurance": ("意外险", "意外伤害保险", "意外保险", "保险", "志愿者保险"),
}


def _type_key(text: str) -> str:
    return _TYPE_NOISE.sub("", fold_width(text).lower())


class TypeResolver:
    """Active qualification types by name, code or a usual alias (C1驾照 → 机动车驾驶证（C1）)."""

    def __init__(self) -> None:
        self.by_key: dict[str, QualificationType] = {}
        for qtype in QualificationType.objects.filter(is_active=True).order_by("pk"):
            keys = [qtype.name, qtype.code, *TYPE_ALIASES.get(qtype.code, ())]
            name = _type_key(qtype.name)
            for suffix in ("证书", "证"):
                if name.endswith(suffix) and len(name) > len(suffix) + 1:
                    keys.append(name.removesuffix(suffix))
            if qtype.code.startswith("licence_"):
                grade = qtype.code.removeprefix("licence_")
                keys += [f"{grade}驾驶证", f"驾驶证{grade}", f"{grade}驾照", f"驾照{grade}"]
            for key in keys:
                self.by_key.setdefault(_type_key(key), qtype)

    def resolve(self, text: str) -> QualificationType:
        found = self.by_key.get(_type_key(text))
        if found is None:
            raise BadValue(
                _("No qualification type “%(name)s”; write a name from the catalogue.")
                % {"name": text}
            )
        return found
