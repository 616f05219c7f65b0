"""Demo cooperation (DEMO DATA, not official): Værnesregionen's six municipalities, child
welfare shared by four of them and offered at the hub in Stjørdal, a meeting room in
Stjørdal open to all six, and a regional coordinator. Idempotent: keyed on slugs and names;
what exists is brought in line through the services."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from booking.enums import ResourceKind, WhoMayBook
from booking.models import Resource
from hubportal.core.demo import DemoReport, demo_loader, ensure_demo_user
from innbyggertorg.enums import AttendanceMode, OfferLevel, Recurrence, ServiceCategory
from innbyggertorg.models import ServiceOffer, ServiceSchedule, ServiceType
from knutepunkt.models import Hub, Municipality

from . import services
from .enums import ArrangementKind
from .models import Cooperation, RegionalCoordinator, SharedArrangement

VAERNES_MEMBERS = ["stjordal", "malvik", "selbu", "frosta", "meraker", "tydal"]
CHILD_WELFARE_PARTICIPANTS = ["stjordal", "selbu", "frosta", "meraker"]
DESCRIPTION = (
    "Seks kommuner i Trøndelag samarbeider om IKT-plattform, saks- og arkivsystem og "
    "noen tjenester: barnevern, lønn og regnskap og skatt deles av fire av dem. Hver kommune "
    "driver sine egne knutepunkter. (Demodata)"
)


def _child_welfare(stjordal: Municipality, hub: Hub) -> ServiceType:
    service, _ = ServiceType.objects.update_or_create(
        municipality=stjordal,
        slug="barnevern",
        defaults={
            "name": "Barnevern i Værnesregionen",
            "category": ServiceCategory.OTHER,
            "is_base_module": False,
            "keywords": "barnevern barnevernstjeneste familie bekymringsmelding",
            "description": "Felles barneverntjeneste for Stjørdal, Selbu, Frosta og Meråker. "
            "Råd og veiledning til familier, og mottak av bekymringsmeldinger.",
            "phone": "+47 74 80 00 00",
        },
    )
    ServiceOffer.objects.get_or_create(
        hub=hub, service_type=service, defaults={"level": OfferLevel.PRESENT}
    )
    today = timezone.localdate()
    ServiceSchedule.objects.get_or_create(
        service_type=service,
        hub=hub,
        recurrence=Recurrence.WEEKLY,
        defaults={
            "weekday": 1,
            "start_date": date(today.year, today.month, 1),
            "end_date": today + timedelta(days=365),
            "opens": time(12),
            "closes": time(15),
            "mode": AttendanceMode.DROP_IN,
        },
    )
    return service


def _arrangement(cooperation, *, kind, name, description, participants, **target):
    existing = SharedArrangement.objects.filter(cooperation=cooperation, **target).first()
    if existing is None:
        return services.shared_arrangement_create(
            cooperation=cooperation,
            kind=kind,
            name=name,
            description=description,
            participants=participants,
            **target,
        )
    return services.shared_arrangement_update(
        arrangement=existing,
        name=name,
        description=description,
        participants=participants,
        **target,
    )


@demo_loader
def load_cooperation(report: DemoReport) -> None:
    members = {m.slug: m for m in Municipality.objects.filter(slug__in=VAERNES_MEMBERS)}
    if len(members) != len(VAERNES_MEMBERS):  # knutepunkt's demo places come first
        return
    ordered = [members[slug] for slug in VAERNES_MEMBERS]
    cooperation = Cooperation.objects.filter(slug="vaernesregionen").first()
    fields = {"name": "Værnesregionen", "slug": "vaernesregionen", "description": DESCRIPTION}
    if cooperation is None:
        cooperation = services.cooperation_create(members=ordered, **fields)
    else:
        cooperation = services.cooperation_update(
            cooperation=cooperation, members=ordered, **fields
        )
    stjordal_hub = Hub.objects.get(municipality=members["stjordal"], slug="sentrum")
    _arrangement(
        cooperation,
        kind=ArrangementKind.SERVICE,
        name="Barnevern",
        description="Barneverntjenesten i Værnesregionen har kontordag på knutepunktet i "
        "Stjørdal hver tirsdag.",
        participants=[members[slug] for slug in CHILD_WELFARE_PARTICIPANTS],
        service_type=_child_welfare(members["stjordal"], stjordal_hub),
    )
    room, _ = Resource.objects.get_or_create(
        hub=stjordal_hub,
        name="Regionsalen",
        defaults={
            "kind": ResourceKind.MEETING_ROOM,
            "capacity": 30,
            "facilities": ["projector", "hearing_loop"],
            "who_may_book": WhoMayBook.ASSOCIATIONS,
        },
    )
    _arrangement(
        cooperation,
        kind=ArrangementKind.ROOM,
        name="Regionsalen i Stjørdal",
        description="Møterom for lag og foreninger i hele Værnesregionen.",
        participants=ordered,
        resource=room,
    )
    coordinator = ensure_demo_user(
        report,
        email="koordinator.vaernes@demo.hubportal.no",
        role="regional coordinator (Værnesregionen)",
        full_name="Demo Regionkoordinator Værnes",
    )
    if not RegionalCoordinator.objects.filter(cooperation=cooperation, user=coordinator).exists():
        services.regional_coordinator_appoint(cooperation=cooperation, user=coordinator)
