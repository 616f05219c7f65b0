"""A small world for seasonal allocation: a municipality with a hub open every evening,
rooms in a round, organisations with coordinators, and helpers to move the clock past a
deadline (by moving the deadline: the server's clock decides)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.utils import timezone
from stdnum.no import orgnr

from booking.models import Resource
from frivillighet.enums import MemberRole, OrganisationKind
from frivillighet.models import Organisation, OrganisationMember
from sesong import services
from sesong.enums import Frequency, HoldMode
from sesong.models import Application, ApplicationRound
from tests.booking.factories import ResourceFactory
from tests.knutepunkt.factories import (
    DistrictFactory,
    HubFactory,
    MunicipalityFactory,
    UserFactory,
    hub_staff,
    municipality_admin,
    weekday_hours,
)

_numbers = itertools.count(1)


def org_number() -> str:
    """A fresh organisation number with a valid mod-11 check digit."""
    while True:
        base = f"9{next(_numbers) % 10_000_000:07d}"  # organisation numbers begin with 8 or 9
        remainder = sum(w * int(d) for w, d in zip((3, 2, 7, 6, 5, 4, 3, 2), base, strict=True))
        check = (11 - remainder % 11) % 11
        number = f"{base}{check}"
        valid = check != 10 and orgnr.is_valid(number)
        if valid and not Organisation.objects.filter(org_number=number).exists():
            return number


def organisation(municipality, *, kind=OrganisationKind.VOLUNTARY, listing="approved", name=None):
    return Organisation.objects.create(
        municipality=municipality,
        name=name or f"Lag {next(_numbers)}",
        org_number=org_number(),
        kind=kind,
        listing=listing,
    )


def coordinator_of(org, email=None):
    user = UserFactory(email=email or f"koordinator-{org.pk}@example.no")
    OrganisationMember.objects.create(organisation=org, user=user, role=MemberRole.COORDINATOR)
    return user


# A season one year ahead, school-year shaped: from the Monday of week 34 to late June.
def season(year_offset: int = 1) -> tuple[date, date]:
    year = timezone.localdate().year + year_offset
    start = date(year, 8, 16)
    start -= timedelta(days=start.weekday())
    return start, date(year + 1, 6, 20)


@dataclass
class SeasonWorld:
    municipality: object
    hub: object
    rooms: list[Resource]
    admin: object
    staff: object
    round: ApplicationRound
    organisations: list = field(default_factory=list)

    def applicant(self, *, kind=OrganisationKind.VOLUNTARY, listing="approved"):
        org = organisation(self.municipality, kind=kind, listing=listing)
        self.organisations.append(org)
        return org, coordinator_of(org)

    def apply(self, org, coordinator, wishes, **fields) -> Application:
        return services.application_submit(
            by=coordinator, round=self.round, data=application_data(org, wishes, **fields)
        )

    def close_applications(self) -> None:
        """The deadline passes (moved into the past: the server's clock decides)."""
        now = timezone.now()
        ApplicationRound.objects.filter(pk=self.round.pk).update(
            opens_at=now - timedelta(days=30), closes_at=now - timedelta(seconds=1)
        )
        self.round.refresh_from_db()

    def to_allocating(self):
        self.close_applications()
        self.round = services.round_start_allocating(by=self.staff, round=self.round)
        return self.round

    def publish(self):
        services.round_decide(by=self.staff, round=self.round)
        report = services.round_publish(by=self.staff, round=self.round)
        self.round.refresh_from_db()
        return report


def wish(weekday=0, start=(18, 0), end=(20, 0), *, resource=None, hub=None, **fields):
    return services.WishData(
        weekday=weekday,
        starts_at=time(*start),
        ends_at=time(*end),
        resource=resource,
        hub=hub,
        **fields,
    )


def application_data(org, wishes, **fields):
    values = {
        "organisation": org,
        "activity_name": "Språkkafé",
        "age_group": "adults",
        "participants": 10,
        "contact_name": "Kari Nordmann",
        "contact_email": "kari@example.no",
        "wishes": wishes,
        "consent_to_partial": True,
    }
    values.update(fields)
    return services.ApplicationData(**values)


def season_world(*, rooms=2, hold_mode=HoldMode.REFUSE, hours=(time(8), time(23))) -> SeasonWorld:
    municipality = MunicipalityFactory()
    hub = HubFactory(district=DistrictFactory(municipality=municipality))
    weekday_hours(hub, opens=hours[0], closes=hours[1])
    made = [
        ResourceFactory(hub=hub, name=f"Rom {n + 1}", capacity=20, only_in_opening_hours=True)
        for n in range(rooms)
    ]
    admin = municipality_admin(municipality)
    staff = hub_staff(hub)
    first, last = season()
    now = timezone.now()
    round = services.round_create(
        by=admin,
        municipality=municipality,
        data=services.RoundData(
            name=f"Sesong {first.year}/{last.year}",
            season_starts_on=first,
            season_ends_on=last,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=7),
            contact_email="kultur@kommune.example.no",
            resources=made,
            hold_mode=hold_mode,
        ),
    )
    round = services.round_open(by=admin, round=round)
    return SeasonWorld(municipality, hub, made, admin, staff, round)


WEEKLY = Frequency.WEEKLY
EVERY_OTHER_WEEK = Frequency.EVERY_OTHER_WEEK
