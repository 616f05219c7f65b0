from datetime import date, time

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from knutepunkt.enums import ExceptionKind, SpanState, StaffRole
from knutepunkt.models import (
    District,
    ExceptionSpan,
    Hub,
    Municipality,
    NewsItem,
    OpeningHoursException,
    OpeningHoursPeriod,
    OpeningHoursSpan,
    StaffMembership,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.no")
    password = factory.django.Password("et-langt-passord-2026")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Kommune {n}")
    slug = factory.Sequence(lambda n: f"kommune-{n}")
    # 9000-9999: no real municipality has such a number; wraps after 1,000 in one run.
    number = factory.Sequence(lambda n: f"{9000 + n % 1000:04d}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Bydel {n}")
    slug = factory.Sequence(lambda n: f"bydel-{n}")
    postcodes = factory.Sequence(lambda n: [f"{1000 + n:04d}"])


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Knutepunkt {n}")
    slug = factory.Sequence(lambda n: f"knutepunkt-{n}")
    street_address = "Torget 1"
    postcode = "1389"
    post_town = "Heggedal"
    latitude = 59.78
    longitude = 10.44


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHoursPeriod

    hub = factory.SubFactory(HubFactory)
    name = "Ordinær"
    valid_from = date(2020, 1, 1)
    valid_until = None


class SpanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHoursSpan

    period = factory.SubFactory(PeriodFactory)
    weekday = 0
    opens = time(10)
    closes = time(16)
    state = SpanState.STAFFED


class ExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHoursException

    hub = factory.SubFactory(HubFactory)
    start_date = date(2027, 1, 4)
    end_date = date(2027, 1, 8)
    reason = "Stengt for oppussing"


class ExceptionSpanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExceptionSpan

    exception = factory.SubFactory(
        ExceptionFactory, kind=ExceptionKind.SPECIAL_HOURS, reason="Spesielle åpningstider"
    )
    day = None
    opens = time(10)
    closes = time(14)
    state = SpanState.STAFFED


class NewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Nyhet {n}")
    body = "Tekst"
    publish_from = factory.LazyFunction(timezone.now)


def weekday_hours(hub, opens=time(10), closes=time(16), days=range(7), **fields):
    period = PeriodFactory(hub=hub)
    for day in days:
        SpanFactory(period=period, weekday=day, opens=opens, closes=closes, **fields)
    return period


def hub_staff(hub, email=None):
    user = UserFactory(email=email or f"staff-{hub.slug}@example.no", is_staff=True)
    StaffMembership.objects.create(user=user, role=StaffRole.HUB_STAFF, hub=hub)
    return user


def municipality_admin(municipality, email=None):
    user = UserFactory(email=email or f"admin-{municipality.slug}@example.no", is_staff=True)
    StaffMembership.objects.create(
        user=user, role=StaffRole.MUNICIPALITY_ADMIN, municipality=municipality
    )
    return user
