"""Attendance endpoints: the batch of scans from offline phones, and scoped lists."""

import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BaseModel

from vetserve.attendance.models import Attendance
from vetserve.attendance.selectors import attendance_list
from vetserve.attendance.services import ScanIn, ScanResult, attendance_scan_batch
from vetserve.core.api import ERRORS, Id, MappedRows, Moment, Paged, QueryId, user_of

router = Router(tags=["attendance"])

# The scan schemas are plain pydantic models, not ninja Schemas: their data are JSON and dicts,
# never ORM objects, and ninja's attribute-reading wrapper cost a tenth of a check-in's CPU
# (docs/benchmarks.md, check-in burst).


class ScanItem(BaseModel):
    idempotency_key: uuid.UUID = Field(description="Made by the phone once per scan")
    kind: Literal["in", "out"]
    method: Literal["post_qr", "badge", "manual", "self"]
    scanned_at: Moment = Field(description="When the phone scanned, with time zone")
    shift_id: Id | None = Field(None, description="badge and manual scans")
    token: str = Field(
        "", max_length=1000, description="post QR token or badge QR (token or its URL)"
    )
    signup_id: Id | None = Field(None, description="manual and self scans")
    volunteer_id: Id | None = Field(None, description="manual: someone not yet on the roster")
    lat: float | None = Field(None, ge=-90, le=90, strict=True)
    lon: float | None = Field(None, ge=-180, le=180, strict=True)
    reason: str = Field("", max_length=300)


class ScanBatch(BaseModel):
    scans: list[ScanItem] = Field(..., max_length=500)


class AttendanceOut(BaseModel):
    id: int
    signup_id: int
    shift_id: int
    volunteer_id: int
    volunteer_name: str
    in_at: datetime
    in_method: str
    out_at: datetime | None
    out_method: str
    auto_closed: bool
    minutes: int | None


class ScanResultOut(BaseModel):
    idempotency_key: uuid.UUID
    status: str = Field(description="ok, duplicate, already or refused")
    code: str
    message: str
    attendance: AttendanceOut | None


class BatchOut(BaseModel):
    results: list[ScanResultOut]


def attendance_out(stay: Attendance) -> dict[str, Any]:
    return {
        "id": stay.pk,
        "signup_id": stay.signup_id,
        "shift_id": stay.shift_id,
        "volunteer_id": stay.volunteer_id,
        "volunteer_name": stay.volunteer.name,
        "in_at": stay.in_at,
        "in_method": stay.in_method,
        "out_at": stay.out_at,
        "out_method": stay.out_method,
        "auto_closed": stay.auto_closed,
        "minutes": stay.minutes,
    }


def result_out(result: ScanResult) -> dict[str, Any]:
    return {
        "idempotency_key": result.key,
        "status": result.status,
        "code": result.code,
        "message": result.message,
        "attendance": attendance_out(result.attendance) if result.attendance else None,
    }


@router.post(
    "/scans",
    url_name="attendance_scans",
    response={200: BatchOut, **ERRORS},
    summary="Record a batch of check-in/out scans (offline phones); one result per scan",
)
def scans_post(request: HttpRequest, payload: ScanBatch) -> dict[str, Any]:
    scans = [
        ScanIn(
            key=item.idempotency_key,
            kind=item.kind,
            method=item.method,
            scanned_at=item.scanned_at,
            shift_id=item.shift_id,
            token=item.token,
            signup_id=item.signup_id,
            volunteer_id=item.volunteer_id,
            lat=item.lat,
            lon=item.lon,
            reason=item.reason,
        )
        for item in payload.scans
    ]
    results = attendance_scan_batch(actor=user_of(request), scans=scans)
    return {"results": [result_out(r) for r in results]}


class AttendanceFilter(Schema):
    shift_id: QueryId | None = None


@router.get("", response={200: list[AttendanceOut], **ERRORS}, summary="Attendance I may see")
@paginate(Paged)
def attendance_get(request: HttpRequest, filters: Query[AttendanceFilter]) -> list[dict[str, Any]]:
    qs = attendance_list(user=user_of(request), shift_id=filters.shift_id)
    return MappedRows(qs, attendance_out)  # type: ignore[return-value]
