import factory

from booking.enums import ResourceKind
from booking.models import Resource
from tests.knutepunkt.factories import HubFactory


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    hub = factory.SubFactory(HubFactory)
    name = factory.Sequence(lambda n: f"Møterom {n}")
    kind = ResourceKind.MEETING_ROOM
    capacity = 20
    only_in_opening_hours = False
    min_notice_hours = 0
    max_active_per_booker = 200
