"""One fixture world for the role walk: two municipalities, so that every role has objects
inside its scope and objects outside it.

    Municipality A (walk-a)                       Municipality B (walk-b)
      district A1 - hub A1  <- hub staff            district B1 - hub B1
      district A2 - hub A2                           (nobody of ours works here)
      the municipality administrator: all of A

Every kind of object exists at hub A1 (inside every staff role's scope), at hub A2 (inside
the municipality administrator's, outside the hub staff's) and at hub B1 (outside every
scope but the superuser's). The citizen owns a booking, a registration and a calendar
feed; the volunteer holds a sign-up and a profile; the coordinator coordinates
organisation A. Another citizen ("other") owns the same things elsewhere, so that "yours"
and "someone else's" can both be asked for.

Objects are made through the services where there is one (bookings, registrations,
sign-ups), so the world has what the real paths make (claims, counters, outbox rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.utils import timezone

from api import services as api_services
from api.models import WebhookDelivery
from betaling.enums import PaymentSource, PaymentState
from betaling.models import (
    CancellationTerms,
    InvoiceAddress,
    InvoiceBasis,
    InvoicePeriod,
    Payment,
    Refund,
)
from booking import services as booking_services
from booking.enums import ApprovalRule, Repeat, ResourceKind
from booking.models import Blackout, CalendarFeed, Resource
from booking.recurrence import series_times
from frivillighet import services as frivillighet_services
from frivillighet.enums import MemberRole
from frivillighet.models import (
    Activity,
    CooperationAgreement,
    OrganisationMember,
    ShiftTemplate,
    VolunteerProfile,
)
from hubportal.core.changes import ChangeKind
from hubportal.notifications.models import Notification
from innbyggertorg import services as innbyggertorg_services
from innbyggertorg.models import ScheduleCancellation
from knutepunkt import services as knutepunkt_services
from knutepunkt.enums import ExceptionKind
from knutepunkt.models import AccessibilityStatement, Hub, PrivacyStatement, StaffMembership
from knutepunkt.opening_hours import localise
from samarbeid import services as samarbeid_services
from samarbeid.enums import ArrangementKind
from sesong import services as sesong_services
from sesong.models import ApplicationRound
from tests.betaling.factories import PriceLineFactory, PriceListFactory
from tests.booking.factories import ResourceFactory
from tests.frivillighet.factories import OpportunityFactory, OrganisationFactory, ShiftFactory
from tests.innbyggertorg.factories import (
    EventFactory,
    ScheduleFactory,
    ServiceOfferFactory,
    ServiceTypeFactory,
)
from tests.knutepunkt.factories import (
    DistrictFactory,
    ExceptionFactory,
    ExceptionSpanFactory,
    HubFactory,
    MunicipalityFactory,
    NewsFactory,
    UserFactory,
    hub_staff,
    municipality_admin,
    weekday_hours,
)

ROLES = (
    "anonymous",
    "citizen",
    "volunteer",
    "coordinator",
    "hub_staff",
    "municipality_admin",
    "superuser",
)
STAFF_ROLES = ("hub_staff", "municipality_admin", "superuser")
# Where an object sits: inside the hub staff's hub, elsewhere in their municipality, or in
# the other municipality.
PLACES = ("a1", "a2", "b1")
# Valid organisation numbers (mod-11), one per organisation.
ORG_NUMBERS = {"a1": "974760673", "a2": "971524960", "b1": "983887457"}


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    municipality: dict[str, object] = field(default_factory=dict)  # "a", "b"
    district: dict[str, object] = field(default_factory=dict)  # "a1", "a2", "b1"
    hub: dict[str, object] = field(default_factory=dict)
    # model label -> place -> an object of that model at that place
    objects: dict[str, dict[str, object]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def add(self, place: str, obj) -> object:
        self.objects.setdefault(obj._meta.label_lower, {})[place] = obj
        return obj

    def at(self, label: str, place: str):
        return self.objects[label][place]

    def user(self, role: str):
        return self.users.get(role)


def _verified(user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _next_weekday_evening(days: int, hour: int = 18):
    return localise(timezone.localdate() + timedelta(days=days), time(hour))


def build_world() -> World:
    world = World()
    users = world.users
    users["citizen"] = _verified(UserFactory(email="innbygger@walk.example.no", full_name="Ina"))
    users["other"] = _verified(UserFactory(email="annen@walk.example.no", full_name="Ola"))
    users["volunteer"] = _verified(UserFactory(email="frivillig@walk.example.no"))
    users["volunteer_b"] = _verified(UserFactory(email="frivillig-b@walk.example.no"))
    users["coordinator"] = _verified(UserFactory(email="koordinator@walk.example.no"))
    users["superuser"] = _verified(
        UserFactory(email="super@walk.example.no", is_staff=True, is_superuser=True)
    )

    for key, slug in (("a", "walk-a"), ("b", "walk-b")):
        world.municipality[key] = MunicipalityFactory(name=f"Kommune {key.upper()}", slug=slug)
    for place in PLACES:
        municipality = world.municipality[place[0]]
        district = DistrictFactory(
            municipality=municipality, name=f"Bydel {place.upper()}", slug=f"bydel-{place}"
        )
        hub = HubFactory(district=district, name=f"Knutepunkt {place.upper()}", slug=f"kp-{place}")
        world.district[place] = world.add(place, district)
        world.hub[place] = world.add(place, hub)
        _furnish_hub(world, place)
    world.add("a1", world.municipality["a"])
    world.add("b1", world.municipality["b"])
    for place, key in (("a1", "a"), ("b1", "b")):  # each municipality's legal statements
        statement = AccessibilityStatement(
            municipality=world.municipality[key],
            text="Erklæring (walk)",
            feedback_email=f"uu-{key}@walk.example.no",
        )
        world.add(place, knutepunkt_services.accessibility_statement_save(statement=statement))
        privacy = PrivacyStatement(municipality=world.municipality[key], addition="Tillegg")
        world.add(place, knutepunkt_services.privacy_statement_save(statement=privacy))

    users["hub_staff"] = _verified(hub_staff(world.hub["a1"], email="ansatt@walk.example.no"))
    users["municipality_admin"] = _verified(
        municipality_admin(world.municipality["a"], email="admin@walk.example.no")
    )
    # Staff appointments: at hub A1, A2 (for the municipality admin to see) and B1.
    world.add("a1", StaffMembership.objects.get(user=users["hub_staff"]))
    for place in ("a2", "b1"):
        colleague = _verified(UserFactory(email=f"ansatt-{place}@walk.example.no", is_staff=True))
        hub_staff(world.hub[place], email=colleague.email)
        world.add(place, StaffMembership.objects.get(user=colleague))

    _volunteering(world)
    _bookings(world)
    _invoicing(world)
    _seasons(world)
    _events(world)
    _accounts(world)
    _cooperation(world)
    return world


def _furnish_hub(world: World, place: str) -> None:
    hub = world.hub[place]
    municipality = hub.municipality
    world.add(place, weekday_hours(hub, opens=time(8), closes=time(22)))
    exception = ExceptionFactory(
        hub=hub,
        start_date=date(2027, 12, 24),
        end_date=date(2027, 12, 26),
        kind=ExceptionKind.CLOSED,
    )
    world.add(place, exception)
    ExceptionSpanFactory(exception=ExceptionFactory(hub=hub, kind=ExceptionKind.SPECIAL_HOURS))
    world.add(place, NewsFactory(municipality=municipality, hub=hub, district=hub.district))
    if place != "a2":  # one service catalogue per municipality
        service = ServiceTypeFactory(
            municipality=municipality, name=f"Bostøtte {place}", slug=f"bostotte-{place}"
        )
        world.add(place, service)
    service = world.objects["innbyggertorg.servicetype"][place.replace("a2", "a1")]
    world.add(place, ServiceOfferFactory(hub=hub, service_type=service))
    schedule = world.add(place, ScheduleFactory(hub=hub, service_type=service))
    ScheduleCancellation.objects.create(schedule=schedule, date=date(2027, 3, 2), reason="Syk")

    room = world.add(
        place,
        ResourceFactory(
            hub=hub, name=f"Møterom {place.upper()}", min_notice_hours=0, horizon_days=400
        ),
    )
    prices = world.add(place, PriceListFactory(resource=room, valid_from=date(2026, 1, 1)))
    PriceLineFactory(price_list=prices, label="Leie", unit_price=20000)
    world.add(place, CancellationTerms.objects.create(resource=room, free_until_hours=48))
    Blackout.objects.create(
        resource=room,
        starts_at=localise(date(2027, 7, 1), time(0)),
        ends_at=localise(date(2027, 7, 31), time(0)),
        reason="Oppussing",
    )
    if place == "a1":
        hall = ResourceFactory(hub=hub, name="Storsal", kind=ResourceKind.HALL, capacity=200)
        ResourceFactory(hub=hub, name="Storsal nord", kind=ResourceKind.HALL, parent=hall)
        ResourceFactory(hub=hub, name="Storsal sør", kind=ResourceKind.HALL, parent=hall)
        ResourceFactory(hub=hub, name="Projektor", kind=ResourceKind.EQUIPMENT, capacity=None)
        ResourceFactory(
            hub=hub, name="Rom med godkjenning", approval=ApprovalRule.APPROVAL, capacity=8
        )


def _bookings(world: World) -> None:
    citizen, other = world.users["citizen"], world.users["other"]
    for place, booker in (("a1", citizen), ("a2", other), ("b1", other)):
        room = world.at("booking.resource", place)
        result = booking_services.booking_create(
            booker=booker,
            by=booker,
            resource=room,
            times=[
                (start, start + timedelta(hours=2))
                for start in (_next_weekday_evening(3), _next_weekday_evening(10))
            ],
            purpose=f"Sjakklubb {place}",
            attendees=6,
            is_public=True,
            repeat=Repeat.WEEKLY,
        )
        world.add(place, result.booking)
        world.add(place, result.booking.occurrences.first())
    # A series of the citizen's at hub B1 (a booking of theirs outside every staff scope),
    # and a request waiting for approval at hub A1.
    room_b1 = world.at("booking.resource", "b1")
    first = _next_weekday_evening(5, hour=10)
    series = booking_services.booking_create(
        booker=citizen,
        by=citizen,
        resource=room_b1,
        times=series_times(
            first_day=timezone.localtime(first).date(),
            start_time=time(10),
            duration=timedelta(hours=1),
            repeat=Repeat.WEEKLY,
            count=4,
        ),
        purpose="Strikkekafé",
        attendees=4,
        repeat=Repeat.WEEKLY,
    )
    world.objects["booking.booking"]["citizen_b1"] = series.booking
    world.objects["booking.booking"]["other_a1"] = booking_services.booking_create(
        booker=other,
        by=other,
        resource=Resource.objects.get(name="Rom med godkjenning"),
        times=[(_next_weekday_evening(4), _next_weekday_evening(4) + timedelta(hours=1))],
        purpose="Styremøte",
        attendees=5,
    ).booking
    # The priced rooms' bookings were held awaiting payment: paid (as Vipps would confirm).
    for payment in Payment.objects.select_related("booking"):
        booking_services.booking_payment_settled(
            booking=payment.booking, status=payment.then_status
        )
        Payment.objects.filter(pk=payment.pk).update(
            state=PaymentState.CAPTURED,
            captured_amount=payment.amount,
            authorised_at=timezone.now(),
            authorised_by=PaymentSource.REDIRECT,
        )
    world.add("a1", Payment.objects.get(booking=world.at("booking.booking", "a1")))
    world.tokens["feed"] = booking_services.calendar_feed_renew(user=citizen)
    world.tokens["other_feed"] = booking_services.calendar_feed_renew(user=other)
    assert CalendarFeed.objects.filter(user=citizen).exists()


def _invoicing(world: World) -> None:
    """Payment records and exported invoice bases for the finance pages and admin: a
    refund of the paid bookings at A1 and B1, each organisation's invoice address, and an
    exported month (October 2026) in each municipality with organisation A1's / B1's basis."""
    for place in ("a1", "b1"):
        payment = Payment.objects.get(booking=world.at("booking.booking", place))
        if place == "b1":
            world.add(place, payment)
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=5000)
        world.add(
            place,
            Refund.objects.create(payment=payment, amount=5000, reason="Walk", state="done"),
        )
        organisation = world.at("frivillighet.organisation", place)
        world.add(
            place,
            InvoiceAddress.objects.create(
                organisation=organisation, address="Postboks 1", postcode="1372", city="Asker"
            ),
        )
        period = InvoicePeriod.objects.create(
            municipality=world.municipality[place[0]],
            month=date(2026, 10, 1),
            exported_by_name="Walk",
        )
        basis = InvoiceBasis.objects.create(
            period=period,
            organisation=organisation,
            payer_org_number=organisation.org_number,
            payer_name=organisation.name,
            payer_address="Postboks 1",
            payer_postcode="1372",
            payer_city="Asker",
            total=0,
            vat=0,
        )
        InvoicePeriod.objects.filter(pk=period.pk).update(locked=True, exported_at=timezone.now())
        world.add(place, InvoicePeriod.objects.get(pk=period.pk))
        world.add(place, basis)


def _seasons(world: World) -> None:
    """A seasonal application round open in each municipality (room A1 / B1), with an
    application from organisation A1 (the coordinator's) and B1; and in municipality A a
    round already published (room A2; "published", not a place), whose application from
    organisation A1 has its decision and an offered allocation."""
    first = date(timezone.localdate().year + 1, 8, 16)
    first -= timedelta(days=first.weekday())
    season = {"season_starts_on": first, "season_ends_on": date(first.year + 1, 6, 18)}
    now = timezone.now()
    admin_a = world.users["municipality_admin"]
    admin_b = municipality_admin(world.municipality["b"], email="admin-b@walk.example.no")
    # Fresh from the database: a scope worked out before their memberships were made is
    # cached on the user objects of the world.
    users = get_user_model().objects
    coordinator = users.get(pk=world.users["coordinator"].pk)
    applicants = {
        "a1": coordinator,
        "b1": users.get(pk=world.users["other"].pk),
        "published": coordinator,
    }
    for place, admin, room_place in (
        ("a1", admin_a, "a1"),
        ("b1", admin_b, "b1"),
        ("published", admin_a, "a2"),
    ):
        room = world.at("booking.resource", room_place)
        round = sesong_services.round_create(
            by=admin,
            municipality=room.hub.municipality,
            data=sesong_services.RoundData(
                name=f"Sesong {place.upper()}",
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=20),
                contact_email=f"sesong-{place}@walk.example.no",
                resources=[room],
                text="Faste ukentlige tider for lag og foreninger.",
                **season,
            ),
        )
        round = sesong_services.round_open(by=admin, round=round)
        organisation = world.at("frivillighet.organisation", place.replace("published", "a1"))
        application = sesong_services.application_submit(
            by=applicants[place],
            round=round,
            data=sesong_services.ApplicationData(
                organisation=organisation,
                activity_name="Sjakktrening",
                age_group="children",
                participants=12,
                contact_name="Kari",
                contact_email="kari@walk.example.no",
                wishes=[
                    sesong_services.WishData(
                        weekday=1, starts_at=time(18), ends_at=time(20), resource=room
                    )
                ],
            ),
        )
        world.add(place, round)
        world.add(place, application)
    # The third round (at hub A2, kept apart from the places: its settings can no longer be
    # changed) goes all the way to publication.
    published = world.at("sesong.applicationround", "published")
    ApplicationRound.objects.filter(pk=published.pk).update(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1)
    )
    published.refresh_from_db()
    sesong_services.round_start_allocating(by=admin_a, round=published)
    sesong_services.proposal_run(by=admin_a, round=published)
    sesong_services.round_decide(by=admin_a, round=published)
    sesong_services.round_publish(by=admin_a, round=published)
    world.add("published", published.allocations.get())


def _events(world: World) -> None:
    citizen, other = world.users["citizen"], world.users["other"]
    for place in PLACES:
        hub = world.hub[place]
        event = world.add(place, EventFactory(hub=hub, title=f"Språkkafé {place}", capacity=5))
        registration = innbyggertorg_services.registration_create(
            event=event,
            name=citizen.full_name if place == "a1" else other.full_name,
            email=citizen.email if place == "a1" else other.email,
            user=citizen if place == "a1" else other,
        )
        world.add(place, registration)
    # A guest registration waiting for its email to be confirmed: its links have tokens.
    guest = innbyggertorg_services.registration_create(
        event=world.at("innbyggertorg.event", "a1"), name="Gjest", email="gjest@example.no"
    )
    world.tokens["confirm"] = innbyggertorg_services.registration_token(guest, "confirm")
    world.tokens["cancel"] = innbyggertorg_services.registration_token(guest, "cancel")


def _volunteering(world: World) -> None:
    volunteers = {
        "a1": world.users["volunteer"],
        "a2": world.users["other"],
        "b1": world.users["volunteer_b"],
    }
    other = world.users["other"]
    coordinator = world.users["coordinator"]
    for place in PLACES:
        hub = world.hub[place]
        organisation = world.add(
            place,
            OrganisationFactory(
                municipality=hub.municipality,
                name=f"Sjakklubben {place.upper()}",
                org_number=ORG_NUMBERS[place],
                categories=["sjakk"],
            ),
        )
        organisation.districts.add(hub.district)
        world.add(
            place,
            Activity.objects.create(
                organisation=organisation,
                name=f"Sjakk for barn {place}",
                age_groups=["children"],
                free_for_children=True,
                district=hub.district,
            ),
        )
        world.add(
            place,
            CooperationAgreement.objects.create(
                organisation=organisation,
                municipality=hub.municipality,
                hub=hub,
                starts_on=date(2026, 1, 1),
                ends_on=date(2028, 12, 31),
                status="active",
                free_room_use=True,
            ),
        )
        opportunity = world.add(
            place, OpportunityFactory(hub=hub, organisation=organisation, title=f"Vert {place}")
        )
        world.add(
            place,
            ShiftTemplate.objects.create(
                opportunity=opportunity, weekday=2, starts=time(17), minutes=120, capacity=2
            ),
        )
        shift = world.add(
            place,
            ShiftFactory(
                opportunity=opportunity,
                starts_at=_next_weekday_evening(6 + PLACES.index(place)),
                ends_at=_next_weekday_evening(6 + PLACES.index(place), hour=20),
            ),
        )
        signup = frivillighet_services.shift_signup(shift=shift, volunteer=volunteers[place])
        world.add(place, signup)
        member = OrganisationMember.objects.create(
            organisation=organisation,
            user=coordinator if place == "a1" else other,
            role=MemberRole.COORDINATOR,
        )
        world.add(place, member)
    profile = VolunteerProfile.objects.create(
        user=volunteers["a1"], skills=["kaffe"], languages=["norsk"], consent_to_contact=True
    )
    world.add("a1", profile)
    world.add("b1", VolunteerProfile.objects.create(user=volunteers["b1"], consent_to_contact=True))
    world.tokens["invitation"] = _invitation_token(world)


def _invitation_token(world: World) -> str:
    organisation = world.at("frivillighet.organisation", "a1")
    return signing.dumps(
        {"o": organisation.pk, "e": world.users["citizen"].email, "r": MemberRole.MEMBER},
        salt=frivillighet_services.INVITE_SALT,
    )


def _accounts(world: World) -> None:
    citizen = world.users["citizen"]
    world.add("a1", Group.objects.create(name="Redaktører"))
    world.add("a1", EmailAddress.objects.get(user=citizen))
    app = world.add(
        "a1",
        SocialApp.objects.create(
            provider="openid_connect",
            provider_id="idporten",
            name="ID-porten",
            client_id="walk-client",
            settings={"server_url": "https://idporten.example.invalid"},
        ),
    )
    account = world.add(
        "a1", SocialAccount.objects.create(user=citizen, provider="idporten", uid="12345")
    )
    world.add("a1", SocialToken.objects.create(app=app, account=account, token="t"))
    world.add("a1", citizen)

    world.add("a1", Notification.objects.order_by("pk").first())
    # An API token of each municipality (made as an administrator makes one).
    for place, key in (("a1", "a"), ("b1", "b")):
        created = api_services.api_token_create(
            by=world.users["superuser"],
            municipality=world.municipality[key],
            name=f"Nettstedet {key.upper()}",
            expires_at=timezone.now() + timedelta(days=30),
        )
        world.add(place, created.token)
        # A webhook subscription of each municipality, and a message to it in the outbox.
        subscription = api_services.webhook_subscription_create(
            by=world.users["superuser"],
            municipality=world.municipality[key],
            name=f"Kalendersynk {key.upper()}",
            url="http://127.0.0.1:9/hook",
            kinds=list(ChangeKind.values),
        ).subscription
        world.add(place, subscription)
        hub = Hub.objects.filter(municipality=world.municipality[key]).order_by("pk").first()
        api_services.webhooks_enqueue_change(
            kind=ChangeKind.OPENING_HOURS_CHANGED, obj=hub, municipality_id=hub.municipality_id
        )
        world.add(place, WebhookDelivery.objects.filter(subscription=subscription).get())
        # An application citizens may let read their own data (OAuth 2).
        world.add(
            place,
            api_services.oauth_client_create(
                by=world.users["superuser"],
                municipality=world.municipality[key],
                name=f"Kommuneappen {key.upper()}",
                redirect_uris="https://app.walk.example.no/callback",
                client_type="public",
            ).client,
        )


def _cooperation(world: World) -> None:
    """Municipalities A and B cooperate: A shares its service and a room of hub A1 with B.
    Only superusers manage cooperations: the staff of A find them refused, inside their
    municipality or not."""
    members = [world.municipality["a"], world.municipality["b"]]
    cooperation = world.add(
        "a1",
        samarbeid_services.cooperation_create(
            name="Walkregionen", slug="walkregionen", members=members
        ),
    )
    world.add(
        "a1",
        samarbeid_services.shared_arrangement_create(
            cooperation=cooperation,
            kind=ArrangementKind.SERVICE,
            name="Felles bostøtte",
            service_type=world.at("innbyggertorg.servicetype", "a1"),
            participants=members,
        ),
    )
    world.add(
        "a1",
        samarbeid_services.regional_coordinator_appoint(
            cooperation=cooperation, user=world.users["other"]
        ),
    )
