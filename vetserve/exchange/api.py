"""Exchange endpoints: export records in the exchange format, import a file (a preview unless
``commit``), and a volunteer's yearly statement. Scoped like the pages; the same services."""

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import StringConstraints

from vetserve.core.access import CHANGE, VIEW, may_see_service_history
from vetserve.core.api import (
    ERRORS,
    ID_MAX,
    YEAR_MAX,
    YEAR_MIN,
    Flag,
    Id,
    PathId,
    Payload,
    Year,
    user_of,
)
from vetserve.exchange.fileformat import FORMATS
from vetserve.exchange.forms import REASON_MAX, UPLOAD_MAX_BYTES
from vetserve.exchange.selectors import Selection, statement_default_year, statement_of
from vetserve.exchange.services import exchange_export, exchange_import, statement_download_record
from vetserve.exchange.statement import statement_pdf, statement_xlsx
from vetserve.orgs.selectors import access_organization
from vetserve.people.models import Volunteer
from vetserve.people.selectors import access_volunteer, volunteer_own

router = Router(tags=["exchange"])

ExchangeFormat = Annotated[str, StringConstraints(pattern="^(csv|json)$")]
StatementFormat = Annotated[str, StringConstraints(pattern="^(pdf|xlsx)$")]


class ExchangeExportIn(Payload):
    format: ExchangeFormat = "json"
    volunteer_id: Id | None = Field(None, description="One volunteer's whole history")
    organization_id: Id | None = Field(None, description="The records one unit recorded")
    year: Year | None = None
    full: Flag = Field(False, description="Full ID and phone numbers (the reveal right)")
    reason: Annotated[str, StringConstraints(max_length=REASON_MAX)] = ""


@router.post(
    "/export",
    response={200: None, **ERRORS},
    summary="Export service records and volunteers' basics (exchange format, version 1)",
)
def exchange_export_post(request: HttpRequest, payload: ExchangeExportIn) -> HttpResponse:
    user = user_of(request)
    selection = Selection(
        volunteer=access_volunteer(user, payload.volunteer_id, VIEW)
        if payload.volunteer_id
        else None,
        organization_id=access_organization(user, payload.organization_id, VIEW).pk
        if payload.organization_id
        else None,
        year=payload.year,
    )
    if payload.format not in FORMATS:
        raise Http404
    exported = exchange_export(
        actor=user,
        fmt=payload.format,
        selection=selection,
        full=payload.full,
        reason=payload.reason,
    )
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


class ExchangeImportIn(Schema):
    # Form fields arrive as text: a number by its bounds, not the strict body ``Id``.
    organization_id: int = Field(..., ge=1, le=ID_MAX, description="The receiving organization")
    commit: bool = Field(False, description="false: only check and count; true: import")


class ImportProblemOut(Schema):
    row: int
    message: str


class ExchangeImportOut(Schema):
    committed: bool
    rows: int
    new_volunteers: int
    known_volunteers: int
    new_records: int
    unchanged: int
    corrected: int
    problem: str = Field(description="A problem with the whole file, else empty")
    errors: list[ImportProblemOut]


@router.post(
    "/import",
    response={200: ExchangeImportOut, **ERRORS},
    summary="Import a file of the exchange format: a preview, or (commit) the import itself",
)
def exchange_import_post(
    request: HttpRequest, payload: Form[ExchangeImportIn], file: File[UploadedFile]
) -> dict[str, Any]:
    user = user_of(request)
    organization = access_organization(user, payload.organization_id, CHANGE)
    name = (file.name or "").lower()
    if file.size is None or file.size > UPLOAD_MAX_BYTES or not name.endswith((".csv", ".json")):
        raise PermissionDenied("A .csv or .json file of at most 50 MB.")
    result = exchange_import(
        actor=user,
        organization=organization,
        data=file.read(),
        fmt="json" if name.endswith(".json") else "csv",
        filename=file.name or "",
        commit=payload.commit,
    )
    return {
        **result.as_dict(),
        "committed": result.committed,
        "problem": result.fatal,
        "errors": [{"row": row, "message": message} for row, message in result.errors[:1000]],
    }


class StatementQuery(Schema):
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX, description="Default: this year")
    format: StatementFormat = "pdf"


def _statement_file(
    request: HttpRequest, volunteer: Volunteer, query: StatementQuery
) -> HttpResponse:
    user = user_of(request)
    year = query.year or statement_default_year()
    statement = statement_of(user=user, volunteer=volunteer, year=year)
    statement_download_record(
        actor=user, volunteer=volunteer, year=year, fmt=query.format,
        minutes=statement.total,
    )  # fmt: skip
    if query.format == "pdf":
        response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    else:
        response = HttpResponse(
            statement_xlsx(statement),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="statement-{year}.{query.format}"'
    return response


@router.get(
    "/me/statement",
    response={200: None, **ERRORS},
    summary="My yearly statement of service hours (PDF or Excel)",
)
def my_statement_get(request: HttpRequest, query: Query[StatementQuery]) -> HttpResponse:
    volunteer = volunteer_own(user=user_of(request))
    if volunteer is None:
        raise Http404
    return _statement_file(request, volunteer, query)


@router.get(
    "/volunteers/{volunteer_id}/statement",
    response={200: None, **ERRORS},
    summary="A volunteer's yearly statement (their unit's leaders and administrators)",
)
def volunteer_statement_get(
    request: HttpRequest, volunteer_id: PathId, query: Query[StatementQuery]
) -> HttpResponse:
    user = user_of(request)
    volunteer = access_volunteer(user, volunteer_id, VIEW)
    if not may_see_service_history(user, volunteer):
        raise Http404
    return _statement_file(request, volunteer, query)
