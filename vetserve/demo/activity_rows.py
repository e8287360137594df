"""The rows of the winter's activities, written in bulk the way the services would have written
them one by one: confirmed sign-ups with ``confirmed_at``; closed stays with scan times, methods,
keys and ``minutes`` as ``hours.served_minutes_between`` counts them; outcome figures stamped
with the winter's times. ``demo.activities`` tells the story and hands its rows to ``ActivityRows``.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from vetserve.activities.models import Activity, Outcome, OutcomeType, Shift, SignUp, SignUpState
from vetserve.attendance.hours import served_minutes_between
from vetserve.attendance.models import Attendance, Method

BATCH = 1000


def new_key(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class ActivityRows:
    """Rows of one step, written in dependency order by ``save``."""

    rng: random.Random
    users: dict[int, int]  # volunteer id -> their login's id
    activities: list[Activity]
    shifts: list[Shift]
    signups: list[tuple[Shift, int, datetime]]  # shift, volunteer, confirmed at
    stays: list[tuple[int, str]]  # index into signups, how: "full" or "normal"
    outcomes: list[tuple[Activity, Shift | None, str, int, str]]

    def save(self, types: dict[str, OutcomeType]) -> dict[str, int]:
        rng = self.rng
        activities = Activity.objects.bulk_create(self.activities, batch_size=BATCH)
        for shift in self.shifts:
            # Assign the saved activity again: setting only ``activity_id`` would drop the
            # cached object, and every stay below would read its activity back, one by one.
            shift.activity = shift.activity
        shifts = Shift.objects.bulk_create(self.shifts, batch_size=BATCH)
        signups = SignUp.objects.bulk_create(
            [
                SignUp(
                    shift=shift,
                    volunteer_id=pk,
                    state=SignUpState.CONFIRMED,
                    confirmed_at=confirmed,
                    added_by_id=self.users.get(pk),
                )
                for shift, pk, confirmed in self.signups
            ],
            batch_size=BATCH,
        )
        stays = [self._stay(signups[i], how) for i, how in self.stays]
        Attendance.objects.bulk_create(stays, batch_size=BATCH)
        outcomes = Outcome.objects.bulk_create(
            [
                Outcome(
                    activity=activity,
                    shift=shift,
                    outcome_type=types[code],
                    quantity=Decimal(quantity),
                    note=note,
                )
                for activity, shift, code, quantity, note in self.outcomes
            ]
        )
        # auto_now_add stamped today; the services would have stamped the winter's times.
        for outcome in outcomes:
            last = outcome.shift or max(
                (s for s in shifts if s.activity_id == outcome.activity_id),
                key=lambda s: s.ends_at,
            )
            outcome.recorded_at = last.ends_at + timedelta(minutes=rng.randint(20, 180))
        Outcome.objects.bulk_update(outcomes, ["recorded_at"])
        return {
            "activities": len(activities),
            "shifts": len(shifts),
            "sign-ups": len(signups),
            "attendances": len(stays),
            "outcome figures": len(outcomes),
        }

    def _stay(self, signup: SignUp, how: str) -> Attendance:
        rng = self.rng
        shift = signup.shift
        activity = shift.activity
        user = self.users.get(signup.volunteer_id)
        if how == "full":
            # A checkpoint handover: in before the shift starts, out after the next one came.
            in_at = shift.starts_at - timedelta(minutes=rng.randint(3, 15))
            out_at = shift.ends_at + timedelta(minutes=rng.randint(2, 12))
        else:
            in_at = shift.starts_at + timedelta(minutes=rng.randint(-15, 6))
            out_at = shift.ends_at - timedelta(minutes=rng.randint(0, 20))
        in_method = rng.choices([Method.BADGE, Method.POST_QR, Method.MANUAL], [6, 3, 1])[0]
        if in_method == Method.POST_QR and user is None:
            in_method = Method.BADGE
        auto = how == "normal" and rng.random() < 0.03
        if auto:
            out_at, out_method = shift.ends_at, Method.AUTO
        else:
            out_method = rng.choice([Method.BADGE, Method.SELF if user else Method.MANUAL])
        lat, lon = activity.lat, activity.lon
        return Attendance(
            signup=signup,
            shift=shift,
            volunteer_id=signup.volunteer_id,
            region_id=activity.region_id,
            organization_id=activity.organization_id,
            in_at=in_at,
            in_method=in_method,
            in_by_id=user if in_method == Method.POST_QR else None,
            in_key=new_key(rng),
            in_lat=lat if in_method == Method.POST_QR else None,
            in_lon=lon if in_method == Method.POST_QR else None,
            in_reason="手机信号弱，队长按名单签到" if in_method == Method.MANUAL else "",
            out_at=out_at,
            out_method=out_method,
            out_by_id=user if out_method == Method.SELF else None,
            out_key=None if auto else new_key(rng),
            out_reason="队长按名单签退" if out_method == Method.MANUAL else "",
            out_received_at=out_at + timedelta(minutes=rng.randint(0, 90)),
            auto_closed=auto,
            minutes=served_minutes_between(
                checked_in_at=in_at,
                checked_out_at=out_at,
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
            ),
        )
