"""Demo step: the selection of 40 city volunteers (the source story's "40 volunteers selected
by criteria" for posts at transport hubs and hotels), defined and run by the city
federation's administrator and approved by a second person, the system administrator.

It goes through the services, as a person at the pages would: the run reads the city's whole
roster, hours, training and attendance, so it comes after the ledger step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vetserve.accounts.models import User
from vetserve.demo import data
from vetserve.selection.services import selection_create, selection_decide, selection_run
from vetserve.skills.models import QualificationType

if TYPE_CHECKING:
    from vetserve.demo.builder import BuildContext

# Where distance is measured to: 桥东区, the city centre with the railway station and hotels.
PLACE_CODE = "130702"


def step_selection(ctx: BuildContext) -> None:
    """40 people: 15 for the transport hubs' shuttles (a C1 licence), 25 for the hotels."""
    city = User.objects.get(username="city")
    admin = User.objects.get(username="admin")
    licence = QualificationType.objects.get(code="licence_c1")
    selection = selection_create(
        actor=city,
        organization=ctx.federations[data.CITY_CODE],
        name="冬奥会城市志愿者选拔（40人）",
        purpose="选拔政治素质好、纪律性强、责任心强的退役军人志愿者，服务交通枢纽和酒店。",
        posts=[
            {"name": "交通枢纽接驳", "quota": 15, "qualification_group": [licence.pk]},
            {"name": "酒店服务", "quota": 25, "qualification_group": []},
        ],
        weights={"hours": 40, "training": 20, "no_shows": 20, "party": 10, "distance": 10},
        min_age=18,
        max_age=65,
        place_region=ctx.regions[PLACE_CODE],
        reserve_size=10,
    )
    selection = selection_run(actor=city, selection=selection)
    selection_decide(actor=admin, selection=selection, approve=True, reason="符合选拔条件，同意。")
    ctx.counts["selected volunteers"] = selection.candidates.filter(outcome="picked").count()
