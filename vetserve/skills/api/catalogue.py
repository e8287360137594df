"""Skills endpoints for the catalogue: skills, qualification types and military specialty
mappings (read by everyone logged in, edited by city administrators)."""

from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from vetserve.core.api import ERRORS, LIST_MAX, Days, Flag, PathId, Payload, user_of
from vetserve.skills import selectors, services
from vetserve.skills.api.common import CatalogueCode, SkillLevel, by_code
from vetserve.skills.models import MilitarySpecialtyMapping, QualificationType, Skill

router = Router(tags=["skills"])


class SkillOut(Schema):
    id: int
    code: str
    name: str
    category: str
    is_active: bool


# The lengths of the catalogue's columns.
SkillName = Annotated[str, StringConstraints(max_length=50)]
TypeName = Annotated[str, StringConstraints(max_length=60)]
Body = Annotated[str, StringConstraints(max_length=100)]
Category = Annotated[str, StringConstraints(max_length=20)]
Codes = Annotated[list[CatalogueCode], Field(max_length=LIST_MAX)]


class SkillIn(Payload):
    code: CatalogueCode
    name: SkillName
    category: Category
    is_active: Flag = True


class SkillPatch(Payload):
    code: CatalogueCode | None = None
    name: SkillName | None = None
    category: Category | None = None
    is_active: Flag | None = None


class QualificationTypeOut(Schema):
    id: int
    code: str
    name: str
    issuing_body: str
    validity_days: int | None = Field(description="Empty: does not expire")
    includes: list[str] = Field(description="Codes of the types a holder also satisfies")
    is_insurance: bool
    is_active: bool


class QualificationTypeIn(Payload):
    code: CatalogueCode
    name: TypeName
    issuing_body: Body = ""
    validity_days: Days | None = Field(None, description="Empty: does not expire")
    includes: Codes = []
    is_insurance: Flag = False
    is_active: Flag = True


class QualificationTypePatch(Payload):
    code: CatalogueCode | None = None
    name: TypeName | None = None
    issuing_body: Body | None = None
    validity_days: Days | None = Field(None, description="null: does not expire")
    includes: Codes | None = None
    is_insurance: Flag | None = None
    is_active: Flag | None = None


class SpecialtyOut(Schema):
    id: int
    specialty: str
    skill_code: str
    level: int


class SpecialtyIn(Payload):
    specialty: SkillName
    skill_code: CatalogueCode
    level: SkillLevel = 1


class CatalogueOut(Schema):
    skills: list[SkillOut]
    qualification_types: list[QualificationTypeOut]
    specialty_mappings: list[SpecialtyOut]
    may_edit: bool


def skill_out(s: Skill) -> dict[str, Any]:
    return {
        "id": s.pk,
        "code": s.code,
        "name": s.name,
        "category": s.category,
        "is_active": s.is_active,
    }


def type_out(t: QualificationType) -> dict[str, Any]:
    return {
        "id": t.pk,
        "code": t.code,
        "name": t.name,
        "issuing_body": t.issuing_body,
        "validity_days": t.validity_days,
        "includes": sorted(i.code for i in t.includes.all()),
        "is_insurance": t.is_insurance,
        "is_active": t.is_active,
    }


def specialty_out(m: MilitarySpecialtyMapping) -> dict[str, Any]:
    return {"id": m.pk, "specialty": m.specialty, "skill_code": m.skill.code, "level": m.level}


# --- catalogue --------------------------------------------------------------------------------


@router.get("/catalogue", response={200: CatalogueOut, **ERRORS}, summary="The catalogue")
def catalogue_get(request: HttpRequest) -> dict[str, Any]:
    return {
        "skills": [skill_out(s) for s in selectors.catalogue_skills()],
        "qualification_types": [type_out(t) for t in selectors.catalogue_qualification_types()],
        "specialty_mappings": [specialty_out(m) for m in selectors.catalogue_specialty_mappings()],
        "may_edit": services.catalogue_may_edit(user_of(request)),
    }


@router.post(
    "/catalogue/skills", response={201: SkillOut, **ERRORS}, summary="Add a skill (city admin)"
)
def catalogue_skill_create(request: HttpRequest, payload: SkillIn) -> Status[dict[str, Any]]:
    skill = services.skill_save(actor=user_of(request), **payload.dict())
    return Status(201, skill_out(skill))


@router.patch(
    "/catalogue/skills/{skill_id}",
    response={200: SkillOut, **ERRORS},
    summary="Change a skill (city admin)",
)
def catalogue_skill_update(request: HttpRequest, skill_id: PathId, payload: SkillPatch) -> Any:
    skill = get_object_or_404(Skill, pk=skill_id)
    data = {f: getattr(skill, f) for f in ("code", "name", "category", "is_active")}
    data.update({k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})
    return skill_out(services.skill_save(actor=user_of(request), skill=skill, **data))


def _includes(codes: list[str]) -> list[QualificationType]:
    return [by_code(QualificationType, code, "includes") for code in codes]


@router.post(
    "/catalogue/qualification-types",
    response={201: QualificationTypeOut, **ERRORS},
    summary="Add a qualification type (city admin)",
)
def catalogue_type_create(
    request: HttpRequest, payload: QualificationTypeIn
) -> Status[dict[str, Any]]:
    data = payload.dict()
    data["includes"] = _includes(data["includes"])
    qtype = services.qualification_type_save(actor=user_of(request), **data)
    return Status(201, type_out(qtype))


@router.patch(
    "/catalogue/qualification-types/{type_id}",
    response={200: QualificationTypeOut, **ERRORS},
    summary="Change a qualification type (city admin)",
)
def catalogue_type_update(
    request: HttpRequest, type_id: PathId, payload: QualificationTypePatch
) -> Any:
    qtype = get_object_or_404(QualificationType, pk=type_id)
    fields = ("code", "name", "issuing_body", "validity_days", "is_insurance", "is_active")
    data: dict[str, Any] = {f: getattr(qtype, f) for f in fields}
    data["includes"] = list(qtype.includes.all())
    given = payload.dict(exclude_unset=True)
    for key, value in given.items():
        if key == "includes":
            data["includes"] = _includes(value or [])
        elif value is not None or key == "validity_days":
            data[key] = value
    return type_out(services.qualification_type_save(actor=user_of(request), qtype=qtype, **data))


@router.post(
    "/catalogue/specialties",
    response={201: SpecialtyOut, **ERRORS},
    summary="Map a military specialty to a skill (city admin)",
)
def catalogue_specialty_create(
    request: HttpRequest, payload: SpecialtyIn
) -> Status[dict[str, Any]]:
    mapping = services.specialty_mapping_save(
        actor=user_of(request),
        specialty=payload.specialty,
        skill=by_code(Skill, payload.skill_code, "skill_code"),
        level=payload.level,
    )
    return Status(201, specialty_out(mapping))
