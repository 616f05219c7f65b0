"""One error type for refused actions, shown the same way everywhere: each message on the
field it concerns (or at the top of the form, a time of a series named first), proven
through the real URLs of every app whose views call a service that refuses."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from booking import services as booking_services
from booking.models import Booking
from frivillighet.models import Organisation, ShiftSignup
from hubportal.core.errors import DomainError, Problem
from innbyggertorg.models import Registration
from knutepunkt import services as hub_services
from knutepunkt.models import NewsItem
from knutepunkt.opening_hours import OSLO
from tests.booking.factories import ResourceFactory
from tests.booking.test_views import evening, form
from tests.frivillighet.factories import OpportunityFactory, ShiftFactory
from tests.innbyggertorg.factories import EventFactory
from tests.innbyggertorg.test_registrations import register
from tests.knutepunkt.factories import DistrictFactory, HubFactory, UserFactory, hub_staff
from tests.support.forms import form_data

pytestmark = pytest.mark.django_db


def field_errors(page: str, field: str) -> list[str]:
    """The messages shown with one field, in Designsystemet's validation message above its
    input (templates/includes/form_fields.html, the booking form's _form_field.html)."""
    found = re.search(
        rf'<div class="ds-validation-message" id="id_{field}_error">(.*?)</div>', page, re.S
    )
    return [html.unescape(m) for m in re.findall(r"<p>(.*?)</p>", found.group(1))] if found else []


def form_errors(page: str) -> list[str]:
    """The messages at the top of the form (the whole action, or one time of a series): the
    error summary's lines that link to no field (templates/includes/error_summary.html)."""
    found = re.search(r'<div class="ds-error-summary"[^>]*>(.*?)</div>', page, re.S)
    if not found:
        return []
    return [html.unescape(m) for m in re.findall(r"<li>([^<]*)</li>", found.group(1))]


# --------------------------------------------------------------------------- the type


class TwoFields(forms.Form):
    email = forms.EmailField(required=False)
    group_size = forms.IntegerField(required=False)


def test_domain_error__per_field_and_general_messages_go_where_they_belong():
    error = DomainError(
        [Problem("Bare 1 plass er ledig.", field="group_size"), Problem("Arrangementet er avlyst.")]
    )
    form = TwoFields({})
    assert form.is_valid()
    error.add_to_form(form)
    assert form.errors["group_size"] == ["Bare 1 plass er ledig."]
    assert form.non_field_errors() == ["Arrangementet er avlyst."]
    assert str(error) == "Bare 1 plass er ledig. Arrangementet er avlyst."


def test_domain_error__a_field_the_form_lacks__shown_at_the_top_not_lost():
    form = TwoFields({})
    form.is_valid()
    DomainError("Bare personale kan fortrenge bookinger.", field="displace").add_to_form(form)
    assert form.non_field_errors() == ["Bare personale kan fortrenge bookinger."]


def test_domain_error__a_time_of_a_series_is_named_in_local_time():
    at = datetime(2027, 3, 2, 17, 0, tzinfo=OSLO)
    error = DomainError([Problem("Salen er allerede booket.", at=at)])
    assert str(error) == "02.03.2027 17:00: Salen er allerede booket."
    assert error.problems[0].at == at


def test_domain_error__is_a_validation_error_keyed_by_field():
    error = DomainError("Oppgi en ukedag.", field="weekday")
    assert isinstance(error, ValidationError)
    assert error.message_dict == {"weekday": ["Oppgi en ukedag."]}
    assert DomainError("Feil.").message_dict == {NON_FIELD_ERRORS: ["Feil."]}


def test_domain_error__from_a_model_validation_error_keeps_fields_codes_and_params():
    original = ValidationError(
        {
            "spans": [
                ValidationError("Rad %(index)s overlapper.", code="overlap", params={"index": 2})
            ]
        }
    )
    error = DomainError.from_validation_error(original)
    assert error.message_dict == {"spans": ["Rad 2 overlapper."]}
    assert error.error_dict["spans"][0].code == "overlap"
    assert [(p.field, p.message) for p in error.problems] == [("spans", "Rad 2 overlapper.")]


def test_hub_services__refuse_with_the_one_type_on_the_field():
    with pytest.raises(DomainError) as caught:
        hub_services.opening_hours_exception_create(
            hub=HubFactory(),
            start_date=date(2027, 1, 4),
            end_date=date(2027, 1, 8),
            reason="Oppussing",
            spans=[{"opens": datetime.min.time(), "closes": datetime.max.time()}],
        )
    assert list(caught.value.message_dict) == ["spans"]


# --------------------------------------------------------------------------- through the URLs


def test_event_registration__too_few_places_left__message_on_the_group_size_field(client):
    event = EventFactory(capacity=3, max_group_size=4)
    register(event, "a@example.no", group_size=2)
    response = client.post(
        event.get_absolute_url(), {"name": "B", "email": "b@example.no", "group_size": "2"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert field_errors(page, "group_size") == [
        "Bare 1 plass(er) er igjen. Meld på færre personer, eller vent til arrangementet er "
        "fullt for å komme på ventelisten."
    ]
    assert form_errors(page) == []
    assert Registration.objects.count() == 1


def test_event_registration__started_event__message_at_the_top_of_the_form(client):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=10))
    response = client.post(
        event.get_absolute_url(), {"name": "B", "email": "b@example.no", "group_size": "1"}
    )
    assert response.status_code == 400
    assert form_errors(response.content.decode()) == ["Arrangementet har allerede startet."]


@pytest.fixture
def citizen(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_booking__too_many_people__message_on_the_attendees_field(client, citizen):
    room = ResourceFactory(capacity=20)
    response = client.post(f"/rom/{room.pk}/book/", form(evening(), attendees="999"))
    assert response.status_code == 400
    page = response.content.decode()
    assert field_errors(page, "attendees") == ["Rommet tar høyst 20 personer."]
    assert form_errors(page) == []
    assert not Booking.objects.exists()


def test_booking__a_taken_time__named_by_its_time_at_the_top(client, citizen):
    room = ResourceFactory(name="Salen")
    start = evening()
    booking_services.booking_create(
        booker=UserFactory(),
        resource=room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Kor",
    )
    response = client.post(f"/rom/{room.pk}/book/", form(start))
    assert response.status_code == 400
    (message,) = form_errors(response.content.decode())
    assert message.startswith(f"{start:%d.%m.%Y} 18:00: Salen er allerede booket")


def test_booking__over_the_cap__one_message_for_the_whole_booking(client, citizen):
    room = ResourceFactory(max_active_per_booker=1)
    booking_services.booking_create(
        booker=citizen,
        resource=room,
        times=[(evening(2), evening(2) + timedelta(hours=2))],
        purpose="X",
    )
    response = client.post(f"/rom/{room.pk}/book/", form(evening(4)))
    assert response.status_code == 400
    assert form_errors(response.content.decode()) == [
        "Du kan ha høyst 1 kommende bookinger av denne ressursen."
    ]


def test_booking__cancel_after_the_deadline__the_message_on_the_booking_page(client, citizen):
    room = ResourceFactory(cancellation_deadline_hours=48)
    start = evening(1)
    result = booking_services.booking_create(
        booker=citizen, resource=room, times=[(start, start + timedelta(hours=2))], purpose="X"
    )
    response = client.post(f"/bookinger/{result.booking.pk}/avbestill/", follow=True)
    assert "Bookinger kan avbestilles inntil 48 timer før de starter." in response.content.decode()


def test_volunteering__invalid_org_number__message_on_the_org_number_field(client):
    district = DistrictFactory()
    client.force_login(UserFactory())
    response = client.post(
        "/frivillighet/registrer/",
        {
            "municipality": district.municipality.pk,
            "name": "Nytt lag",
            "org_number": "974760672",
            "kind": "voluntary",
            "districts": [district.pk],
            "contact_email": "post@lag.no",
        },
    )
    assert response.status_code == 400
    (message,) = field_errors(response.content.decode(), "org_number")
    assert "kontrollsiffer" in message
    assert not Organisation.objects.exists()


def test_volunteering__refused_signup__the_reason_on_the_opportunity_page(client):
    shift = ShiftFactory(opportunity=OpportunityFactory(requires_police_certificate=True))
    client.force_login(UserFactory())
    response = client.post(f"/frivillighet/vakt/{shift.pk}/meld-pa/", follow=True)
    assert "politiattest" in response.content.decode()
    assert not ShiftSignup.objects.exists()


# --------------------------------------------------------------------------- the admin


def test_admin__a_service_refusing_the_save__shown_on_its_field_with_what_was_typed(
    client, monkeypatch
):
    """Whatever a service refuses at save time (here: news, refused on its title, as a
    race past the form's own checks would be) is a form error, not an error page; the
    person's input stays, and the refused attempt leaves nothing behind."""

    def refuse(*, item):
        item.save()  # written, then refused: the attempt must be rolled back
        raise DomainError("Tittelen finnes allerede.", field="title")

    monkeypatch.setattr(hub_services, "news_item_save", refuse)
    hub = HubFactory()
    client.force_login(hub_staff(hub))
    url = "/admin/knutepunkt/newsitem/add/"
    data = form_data(
        client.get(url).content.decode(),
        "newsitem_form",
        hub=str(hub.pk),
        title="Sommeråpent",
        body="Vi har åpent hele sommeren.",
        publish_from_0=timezone.localdate().isoformat(),
        publish_from_1="09:00:00",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["title"] == ["Tittelen finnes allerede."]
    assert form["title"].value() == "Sommeråpent"
    assert not NewsItem.objects.exists()
