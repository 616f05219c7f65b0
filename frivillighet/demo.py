"""Demo associations, an agreement and volunteer shifts (DEMO DATA). Idempotent."""

from datetime import date, time, timedelta

from django.utils import timezone

from hubportal.core.demo import DemoReport, demo_loader, ensure_demo_user
from knutepunkt.models import Hub, Municipality
from knutepunkt.opening_hours import localise

from .models import (
    Activity,
    CooperationAgreement,
    Opportunity,
    Organisation,
    OrganisationMember,
    RegisterRecord,
    Shift,
    ShiftTemplate,
)
from .services import organisation_register_refresh

ORGANISATIONS = [  # name, org number (valid check digits), kind, categories
    ("Heggedal Sjakklubb (demo)", "974760673", "voluntary", ["sjakk", "fritid"]),
    ("Asker Frivilligsentral (demo)", "971524960", "voluntary", ["frivilligsentral"]),
    ("Heggedal Idrettslag (demo)", "983887457", "voluntary", ["idrett", "barn"]),
]


@demo_loader
def load_volunteering(report: DemoReport) -> None:
    asker = Municipality.objects.filter(slug="asker").first()
    if asker is None:
        return
    heggedal = Hub.objects.get(municipality=asker, slug="heggedal")
    organisations = []
    for name, number, kind, categories in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            org_number=number,
            defaults={
                "municipality": asker,
                "name": name,
                "kind": kind,
                "categories": categories,
                "listing": "approved",
                "contact_email": "post@demo.hubportal.no",
                "description": f"{name}: et lag for alle i bydelen.",
            },
        )
        organisation.districts.add(heggedal.district)
        organisations.append(organisation)
    # A request waiting for staff, whose number the register flags (bankrupt).
    waiting, _ = Organisation.objects.get_or_create(
        org_number="915678904",
        defaults={
            "municipality": asker,
            "name": "Heggedal kulturlag (demo)",
            "kind": "voluntary",
            "listing": "pending",
            "contact_email": "post@demo.hubportal.no",
        },
    )
    # Their facts from Enhetsregisteret (the local stand-in under `make run`); a register
    # that does not answer leaves them to the nightly refresh.
    for organisation in [*organisations, waiting]:
        if not RegisterRecord.objects.filter(organisation=organisation).exists():
            organisation_register_refresh(organisation=organisation)
    Activity.objects.get_or_create(
        organisation=organisations[2],
        name="Allidrett for barn",
        defaults={
            "age_groups": ["children"],
            "free_for_children": True,
            "district": heggedal.district,
        },
    )
    Activity.objects.get_or_create(
        organisation=organisations[0],
        name="Sjakk for alle",
        defaults={"age_groups": ["all"], "free_for_children": True, "district": heggedal.district},
    )
    today = timezone.localdate()
    CooperationAgreement.objects.get_or_create(
        organisation=organisations[0],
        municipality=asker,
        hub=heggedal,
        defaults={
            "starts_on": date(today.year, 1, 1),
            "ends_on": date(today.year + 1, 12, 31),
            "status": "active",
            "free_room_use": True,
            "municipality_provides": "Gratis bruk av møterom tirsdager.",
            "organisation_provides": "Åpen sjakkveiledning for barn.",
        },
    )
    coordinator = ensure_demo_user(
        report,
        email="koordinator@demo.hubportal.no",
        role="association coordinator",
        full_name="Demo Koordinator",
    )
    OrganisationMember.objects.get_or_create(
        organisation=organisations[0], user=coordinator, defaults={"role": "coordinator"}
    )
    opportunity, _ = Opportunity.objects.get_or_create(
        hub=heggedal,
        title="Vert på språkkafeen",
        defaults={
            "organisation": organisations[1],
            "description": "Ta imot gjester og prat norsk. (Demodata)",
        },
    )
    _template, _ = ShiftTemplate.objects.get_or_create(
        opportunity=opportunity,
        weekday=2,
        starts=time(18),
        defaults={"minutes": 120, "capacity": 3},
    )
    for week in range(4):
        start = localise(today + timedelta(days=(2 - today.weekday()) % 7 + 7 * week), time(18))
        if start > timezone.now():
            Shift.objects.get_or_create(
                opportunity=opportunity,
                starts_at=start,
                defaults={"ends_at": start + timedelta(hours=2), "capacity": 3},
            )
