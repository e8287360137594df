"""The demo's night snow call-out for 崇礼 (issue 16): at 20:00 on the build day the forecast
says heavy snow, and the 崇礼 federation (login ``chongli``) must have people at the 太子城
venues from 02:00 to 06:00. The engine proposes who, the invitations go out, and by the time
the demo opens most of the first invited have accepted on their phones, two declined (their
places went to the first reserves, asked at once) and the rest are still waiting, so the review
page shows a call-out filling in. Dated from the build day at whole hours, so two builds on one
day are the same."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from vetserve.accounts.models import User
from vetserve.activities.models import Category
from vetserve.demo import data
from vetserve.dispatch.models import Invitation, InvitationState
from vetserve.dispatch.services import (
    ShiftSpec,
    callout_create,
    invitation_answer,
    invitations_send,
    proposal_run,
)

if TYPE_CHECKING:
    from vetserve.demo.builder import BuildContext

SHANGHAI = ZoneInfo("Asia/Shanghai")
# (post, minimum, wanted, maximum)
POSTS = [("场馆主入口", 6, 8, 10), ("停车场与接驳站", 4, 6, 8), ("运动员通道", 3, 4, 5)]


def step_night_snow(ctx: BuildContext) -> None:
    rng = ctx.rng("night_snow")
    dispatcher = User.objects.get(username="chongli")
    night = datetime.now(SHANGHAI).date() + timedelta(days=1)
    start = datetime.combine(night, time(2), tzinfo=SHANGHAI)
    callout = callout_create(
        actor=dispatcher,
        organization=ctx.federations[data.CHONGLI_CODE],
        region=ctx.regions[data.CHONGLI_CODE],
        title="太子城场馆夜间除雪",
        place="崇礼区太子城冬奥场馆群",
        category=Category.SNOW_ICE,
        lat=Decimal("40.899000"),
        lon=Decimal("115.469000"),
        emergency=True,
        description="暴雪预警：清扫场馆入口、停车场和运动员通道积雪，6时前完成。",
        shifts=[
            ShiftSpec(post, start, start + timedelta(hours=4), low, wanted, high)
            for post, low, wanted, high in POSTS
        ],
    )
    proposal = proposal_run(actor=dispatcher, callout=callout)
    sent = invitations_send(actor=dispatcher, callout=callout)
    # Two decline at once (their places go to the first reserves); of the rest, about two in
    # three have accepted, the others have not answered yet.
    for invitation in sent[:2]:
        invitation_answer(invitation=invitation, accept=False)
    for invitation in sent[2:]:
        if rng.random() < 0.67:
            invitation_answer(invitation=invitation, accept=True)
    ctx.counts["call-out proposals"] = 1 if proposal else 0
    ctx.counts["call-out invitations"] = Invitation.objects.filter(callout=callout).count()
    ctx.counts["call-out acceptances"] = Invitation.objects.filter(
        callout=callout, state=InvitationState.ACCEPTED
    ).count()
