import pytest
from django.contrib.auth import get_user_model

from booking.models import Resource
from frivillighet.models import Opportunity, Organisation
from hubportal.core.demo import load_demo_data
from innbyggertorg.models import Event, ServiceType
from knutepunkt.models import AccessibilityStatement, District, Hub
from tests.knutepunkt.factories import MunicipalityFactory


@pytest.fixture
def written():
    """A municipality that has written its statement."""
    municipality = MunicipalityFactory(
        name="Asker", slug="asker", phone="66 90 90 90", website="https://www.asker.kommune.no"
    )
    AccessibilityStatement.objects.create(
        municipality=municipality,
        uustatus_url="https://uustatus.no/nb/erklaringer/publisert/1234",
        text="Portalen er testet av Asker kommune.\n\nVi retter feil fortløpende.",
        known_deviations="Kartet mangler tekstalternativ.",
        feedback_email="tilgjengelighet@asker.example.no",
    )
    return municipality


@pytest.fixture
def unwritten():
    """A municipality that has written nothing yet."""
    return MunicipalityFactory(name="Bærum", slug="baerum")


@pytest.fixture
def portal_pages(db):
    """One page of every kind a reader meets, on the demo data: (address, the slug of the
    municipality the page belongs to or None, whether it needs a signed-in reader)."""
    load_demo_data()
    district = District.objects.select_related("municipality").get(
        municipality__slug="asker", slug="heggedal"
    )
    hub = Hub.objects.filter(district=district).first()
    event = Event.objects.filter(municipality__slug="asker").first()
    service = ServiceType.objects.filter(municipality__slug="asker").first()
    room = Resource.objects.filter(municipality__slug="asker", parent=None).first()
    organisation = Organisation.objects.first()
    opportunity = Opportunity.objects.first()
    return [
        ("/", None, False),
        ("/finn-bydel/?postnummer=1389", None, False),
        ("/sok/?q=bibliotek", None, False),
        ("/asker/", "asker", False),
        ("/asker/sok/?q=bibliotek", "asker", False),
        (district.get_absolute_url(), "asker", False),
        (hub.get_absolute_url(), "asker", False),
        ("/asker/tjenester/", "asker", False),
        (service.get_absolute_url(), "asker", False),
        ("/asker/arrangementer/", "asker", False),
        (event.get_absolute_url(), "asker", False),
        ("/rom/", None, False),
        (f"/rom/{room.pk}/", "asker", False),
        ("/frivillighet/", None, False),
        (f"/frivillighet/organisasjon/{organisation.pk}/", None, False),
        (f"/frivillighet/oppdrag/{opportunity.pk}/", None, False),
        ("/asker/tilgjengelighet/", "asker", False),
        ("/asker/tilgjengelighet/tilbakemelding/", "asker", False),
        ("/asker/personvern/", "asker", False),
        ("/tilgjengelighet/", None, False),
        ("/personvern/", None, False),
        ("/informasjonskapsler/", None, False),
        ("/konto/login/", None, False),
        ("/konto/signup/", None, False),
        ("/konto/password/reset/", None, False),
        ("/finnes-ikke/her/ikke/", None, False),  # the 404 page
        ("/konto/profil/", None, True),
        ("/konto/slett/", None, True),
        ("/bookinger/", None, True),
        (f"/rom/{room.pk}/book/", "asker", True),
        ("/frivillighet/mine-vakter/", None, True),
        ("/frivillighet/profil/", None, True),
        ("/nn/asker/", "asker", False),
        ("/en/rom/", None, False),
    ]


@pytest.fixture
def citizen(db):
    return get_user_model().objects.get(email="innbygger@demo.hubportal.no")
