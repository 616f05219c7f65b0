"""Demo seasonal allocation (DEMO DATA). Idempotent: each round is made once.

- "Sesong <year> – Heggedal" is open for applications (deadline in a month), with two
  applications already in; the demo coordinator can apply for Heggedal Sjakklubb.
- "Sesong <year> – Holmen" has passed its deadline with four applications, among them the
  demo coordinator's: staff start the allocation, run the proposal, adjust and publish;
  the coordinator then accepts and finds the weekly series in "My bookings".
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from booking.models import Resource
from frivillighet.models import Organisation, OrganisationMember
from hubportal.core.demo import DemoReport, demo_loader, ensure_demo_user
from knutepunkt.models import Hub, Municipality

from . import services
from .models import ApplicationRound


def _season() -> tuple[date, date]:
    today = timezone.localdate()
    year = today.year if today.month < 4 else today.year + 1
    start = date(year, 8, 16)
    return start - timedelta(days=start.weekday()), date(year + 1, 6, 20)


def _coordinator(report, organisation, email, name):
    user = ensure_demo_user(report, email=email, role="association coordinator", full_name=name)
    OrganisationMember.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": "coordinator"}
    )
    return user


def _round(admin, municipality, hub, name, rooms, *, text):
    existing = ApplicationRound.objects.filter(municipality=municipality, name=name).first()
    if existing is not None:
        return None
    first, last = _season()
    now = timezone.now()
    round = services.round_create(
        by=admin,
        municipality=municipality,
        data=services.RoundData(
            name=name,
            season_starts_on=first,
            season_ends_on=last,
            opens_at=now - timedelta(days=2),
            closes_at=now + timedelta(days=30),
            contact_email="kultur@demo.hubportal.no",
            contact_phone="66 00 00 00",
            resources=rooms,
            hubs=[hub],
            text=text,
        ),
    )
    return services.round_open(by=admin, round=round)


def _apply(user, round, organisation, activity, participants, wishes, **fields):
    return services.application_submit(
        by=user,
        round=round,
        data=services.ApplicationData(
            organisation=organisation,
            activity_name=activity,
            age_group=fields.pop("age_group", "all"),
            participants=participants,
            contact_name=user.get_full_name(),
            contact_email=user.email,
            wishes=wishes,
            **fields,
        ),
    )


def _wish(weekday, start, end, room):
    return services.WishData(
        weekday=weekday, starts_at=time(*start), ends_at=time(*end), resource=room
    )


@demo_loader
def load_seasonal_allocation(report: DemoReport) -> None:
    asker = Municipality.objects.filter(slug="asker").first()
    if asker is None:
        return
    users = get_user_model().objects
    admin = users.filter(email="admin.asker@demo.hubportal.no").first()
    chess = Organisation.objects.filter(org_number="974760673").first()
    centre = Organisation.objects.filter(org_number="971524960").first()
    sports = Organisation.objects.filter(org_number="983887457").first()
    coordinator = users.filter(email="koordinator@demo.hubportal.no").first()
    if not (admin and coordinator and chess and centre and sports):
        return
    centre_coordinator = _coordinator(
        report, centre, "koordinator.frivilligsentral@demo.hubportal.no", "Demo Frivilligsentral"
    )
    sports_coordinator = _coordinator(
        report, sports, "koordinator.idrett@demo.hubportal.no", "Demo Idrettslag"
    )
    text = (
        "Faste ukentlige tider for skoleåret (demodata). Frivillige lag med samarbeidsavtale "
        "prioriteres, så andre frivillige lag, så kommunale tjenester. Ingen private selskaper."
    )
    for slug, closed in (("heggedal", False), ("holmen", True)):
        hub = Hub.objects.filter(municipality=asker, slug=slug).first()
        if hub is None:
            continue
        rooms = list(Resource.objects.filter(hub=hub, name__in=["Storsalen", "Møterom 1"]))
        hall = next((r for r in rooms if r.name == "Storsalen"), None)
        meeting = next((r for r in rooms if r.name == "Møterom 1"), None)
        if hall is None or meeting is None:
            continue
        round = _round(
            admin,
            asker,
            hub,
            f"Sesong {_season()[0].year}/{_season()[1].year} – {hub.name}",
            rooms,
            text=text,
        )
        if round is None:
            continue
        _apply(
            centre_coordinator,
            round,
            centre,
            "Språkkafé",
            10,
            [_wish(1, (18, 0), (20, 0), hall), _wish(3, (18, 0), (20, 0), meeting)],
        )
        _apply(
            sports_coordinator,
            round,
            sports,
            "Innebandy for barn",
            20,
            [_wish(1, (17, 30), (19, 30), hall)],
            age_group="children",
        )
        if closed:
            _apply(
                coordinator,
                round,
                chess,
                "Sjakk for alle",
                12,
                [_wish(1, (18, 0), (20, 0), meeting), _wish(2, (18, 0), (20, 0), meeting)],
            )
            # The deadline has passed (demo data writes the window directly).
            now = timezone.now()
            ApplicationRound.objects.filter(pk=round.pk).update(
                opens_at=now - timedelta(days=40), closes_at=now - timedelta(hours=1)
            )
