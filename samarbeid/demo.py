"""Demo cooperation (DEMO DATA, not official): Værnesregionen's six municipalities, child
welfare shared by four of them and offered at the hub in Stjørdal, a meeting room in
Stjørdal open to all six, and a regional coordinator. Idempotent: keyed on slugs and names;
what exists is brought in line through the services."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from booking.enums import ResourceKind, WhoMayBook
from booking.models import Resource
from frivillighet.enums import MemberRole
from frivillighet.models import Organisation, OrganisationMember
from hubportal.core.demo import DemoReport, demo_loader, ensure_demo_user
from innbyggertorg.enums import AttendanceMode, OfferLevel, Recurrence, ServiceCategory
from innbyggertorg.models import ServiceOffer, ServiceSchedule, ServiceType
from knutepunkt import services as knutepunkt_services
from knutepunkt.enums import StaffRole
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
        description="Møterom for lag og foreninger i hele Værnesregionen. Lag fra de andre "
        "kommunene kan booke inntil 60 dager fram i tid; de ansatte i Stjørdal godkjenner.",
        participants=ordered,
        resource=room,
        guest_horizon_days=60,
        guest_needs_approval=True,
    )
    # The hub's staff approve guests' requests; an association in Malvik books as a guest.
    staff = ensure_demo_user(
        report,
        email="ansatt.stjordal@demo.hubportal.no",
        role="hub staff (Stjørdal knutepunkt)",
        full_name="Demo Ansatt Stjørdal",
        is_staff=True,
    )
    knutepunkt_services.staff_membership_grant(
        user=staff, role=StaffRole.HUB_STAFF, hub=stjordal_hub
    )
    association, _ = Organisation.objects.update_or_create(
        org_number="921000006",
        defaults={
            "municipality": members["malvik"],
            "name": "Hommelvik musikkorps (demo)",
            "kind": "voluntary",
            "categories": ["musikk"],
            "listing": "approved",
            "contact_email": "post@demo.hubportal.no",
            "description": "Korps for barn og voksne i Malvik. (Demodata)",
        },
    )
    leader = ensure_demo_user(
        report,
        email="leder.malvik@demo.hubportal.no",
        role="association coordinator (Malvik)",
        full_name="Demo Korpsleder Malvik",
    )
    OrganisationMember.objects.get_or_create(
        organisation=association, user=leader, defaults={"role": MemberRole.COORDINATOR}
    )
    coordinator = ensure_demo_user(
        report,
        email="koordinator.vaernes@demo.hubportal.no",
        role="regional coordinator (Værnesregionen)",
        full_name="Demo Regionkoordinator Værnes",
    )
    if not RegionalCoordinator.objects.filter(cooperation=cooperation, user=coordinator).exists():
        services.regional_coordinator_appoint(cooperation=cooperation, user=coordinator)
