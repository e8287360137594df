"""A campaign as a spreadsheet (issue 13): its targets against what was done, and what each
activity did (shifts, volunteers engaged, hours served, outcome figures), over the part of
the campaign its page shows the viewer. .xlsx holds three sheets (targets and results,
activities, by organization); CSV the activities. Audited as ``campaign.export``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vetserve.activities.models import Campaign
from vetserve.activities.selectors import (
    BreakdownLine,
    CampaignProgress,
    ProgressLine,
    campaign_activity_lines,
    campaign_report,
)
from vetserve.audit.services import audit_record
from vetserve.core.access import Actor
from vetserve.spreadsheets.writers import (
    CONTENT_TYPES,
    FORMATS,
    csv_bytes,
    neutralize,
    xlsx_sheets_bytes,
)


@dataclass(frozen=True)
class CampaignFile:
    content: bytes
    filename: str
    content_type: str


def _number(value: Decimal | int) -> str:
    return format(Decimal(value).normalize(), "f") if value else "0"


def campaign_export(*, actor: Actor | None, campaign: Campaign, fmt: str) -> CampaignFile:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    report = campaign_report(user=actor, campaign=campaign)
    types, lines = campaign_activity_lines(user=actor, campaign=campaign)
    activity_titles = [
        _("Activity"),
        _("Starts at"),
        _("Status"),
        _("Organization"),
        _("Area"),
        _("Shifts"),
        _("Volunteers engaged"),
        _("Service hours"),
    ] + [f"{t.name}（{t.unit}）" if t.unit else t.name for t in types]
    activity_rows = [
        [
            neutralize(line.activity.title),
            timezone.localtime(line.activity.starts_at).strftime("%Y-%m-%d %H:%M"),
            str(line.activity.get_status_display()),
            neutralize(line.activity.organization.name),
            line.activity.region.name,
            str(line.shifts),
            str(line.volunteers),
            _number(line.hours),
            *(_number(line.figures.get(t.pk, Decimal(0))) for t in types),
        ]
        for line in lines
    ]
    if fmt == "csv":
        content = csv_bytes(activity_titles, activity_rows)
    else:
        content = xlsx_sheets_bytes(
            [
                (_("Targets and results"), *_progress_sheet(report.progress, report.whole)),
                (_("Activities"), activity_titles, activity_rows),
                (_("By organization"), *_org_sheet(report.by_organization)),
            ]
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="campaign.export",
            obj=campaign,
            changes={"format": [None, fmt], "rows": [None, len(activity_rows)]},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return CampaignFile(
        content=content,
        filename=f"{campaign.name}-{stamp}.{fmt}".replace("/", "-"),
        content_type=CONTENT_TYPES[fmt],
    )


def _progress_sheet(progress: CampaignProgress, whole: bool) -> tuple[list[str], list[list[str]]]:
    titles = [
        _("Measure"),
        _("Unit"),
        _("Target"),
        _("Done") if whole else _("Done in your area"),
        _("Progress"),
    ]
    named: list[tuple[str, str, ProgressLine]] = [
        (_("Activities"), _("activities"), progress["activities"]),
        (_("Shifts"), _("shifts"), progress["shifts"]),
        (_("Volunteers engaged"), _("people"), progress["volunteers"]),
        (_("Service hours"), _("hours"), progress["hours"]),
    ]
    named += [(f.label, f.unit, f) for f in progress["figures"]]
    rows = []
    for label, unit, line in named:
        percent = line.percent if whole else None
        rows.append(
            [
                neutralize(label),
                neutralize(unit),
                _number(line.target) if line.target else "",
                _number(line.done),
                f"{percent}%" if percent is not None else "",
            ]
        )
    return titles, rows


def _org_sheet(lines: list[BreakdownLine]) -> tuple[list[str], list[list[str]]]:
    titles = [
        _("Organization"),
        _("Activities"),
        _("Shifts"),
        _("Volunteers engaged"),
        _("Service hours"),
    ]
    rows = [
        [
            neutralize(b.name),
            str(b.activities),
            str(b.shifts),
            str(b.volunteers),
            _number(b.hours),
        ]
        for b in lines
    ]
    return titles, rows
