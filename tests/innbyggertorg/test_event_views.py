"""Events through their URLs: list with filters, registration as a guest, signed links."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.urls import resolve, reverse
from django.utils import timezone
from icalendar import Calendar

from hubportal.notifications.models import Notification
from innbyggertorg import services
from innbyggertorg.enums import Audience, RegistrationStatus
from innbyggertorg.models import Registration
from tests.knutepunkt.factories import DistrictFactory, HubFactory, hub_staff

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def list_url(event):
    return f"/{event.hub.municipality.slug}/arrangementer/"


def test_event_list__filters_by_audience_district_and_free_places(client):
    district = DistrictFactory()
    hub, other_hub = (
        HubFactory(district=district),
        HubFactory(district=DistrictFactory(municipality=district.municipality)),
    )
    seniors = EventFactory(hub=hub, title="Seniortreff", audience=Audience.SENIORS)
    full = EventFactory(hub=hub, title="Fullt kurs", capacity=1, audience=Audience.CHILDREN)
    services.registration_create(event=full, name="A", email="a@example.no")
    Registration.objects.update(status=RegistrationStatus.CONFIRMED)
    full.places_taken = 1
    full.save()
    elsewhere = EventFactory(hub=other_hub, title="Annet sted")
    page = client.get(list_url(seniors), {"audience": "seniors"}).content.decode()
    assert seniors.title in page and full.title not in page
    page = client.get(list_url(seniors), {"district": district.pk}).content.decode()
    assert elsewhere.title not in page and seniors.title in page
    page = client.get(list_url(seniors), {"free": "on"}).content.decode()
    assert full.title not in page and seniors.title in page


def test_event_list__htmx_returns_the_results_only(client):
    event = EventFactory()
    response = client.get(list_url(event), headers={"HX-Request": "true"})
    assert event.title in response.content.decode() and "<html" not in response.content.decode()


def test_event_list__end_before_start__form_error_no_500(client):
    event = EventFactory()
    response = client.get(list_url(event), {"start": "2027-05-01", "end": "2027-04-01"})
    assert response.status_code == 200
    assert "Sluttdatoen er før startdatoen" in response.content.decode()


def test_guest_registration__email_link_confirms_then_cancel_link_frees_the_place(client):
    event = EventFactory(capacity=3)
    response = client.post(
        event.get_absolute_url(), {"name": "Gjest", "email": "gjest@example.no", "group_size": "2"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.AWAITING_EMAIL
    mail = Notification.objects.get(to_address="gjest@example.no")
    # The link in the message (its token is signed with the moment it was made, so one
    # made again here a second later would differ).
    confirm_path = re.search(r"/arrangement/bekreft/[^/\s]+/", mail.body_text).group(0)
    assert resolve(confirm_path).url_name == "registration_confirm"
    assert (
        client.get(confirm_path).status_code == 200
    )  # a scanner following the link confirms nothing
    assert Registration.objects.get().status == RegistrationStatus.AWAITING_EMAIL
    client.post(confirm_path)
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    cancel_path = reverse(
        "innbyggertorg:registration_cancel",
        args=[services.registration_token(registration, "cancel")],
    )
    client.post(cancel_path)
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED
    event.refresh_from_db()
    assert event.places_taken == 0


def test_registration_form__too_large_group__error_and_nothing_saved(client):
    event = EventFactory(max_group_size=2)
    response = client.post(
        event.get_absolute_url(), {"name": "X", "email": "x@example.no", "group_size": "9"}
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_registration__tampered_link__clear_error(client):
    response = client.get("/arrangement/avmeld/ikke-en-gyldig-lenke/")
    assert response.status_code == 400
    assert "Lenken er ikke gyldig" in response.content.decode()


def test_event_ics__parses_and_links_back(client):
    event = EventFactory()
    calendar = Calendar.from_ical(client.get(event.get_absolute_url() + "kalender.ics").content)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["url"]).endswith(event.get_absolute_url())


def test_district_page__lists_the_hubs_next_events(client):
    event = EventFactory(title="Forfatterbesøk")
    hub = event.hub
    page = client.get(f"/{hub.municipality.slug}/{hub.district.slug}/").content.decode()
    assert "Forfatterbesøk" in page


def test_admin__moving_an_event_tells_registrants(client):
    event = EventFactory()
    services.registration_create(event=event, name="A", email="a@example.no")
    Registration.objects.update(status=RegistrationStatus.CONFIRMED)
    client.force_login(hub_staff(event.hub))
    starts = timezone.localtime(event.starts_at + timedelta(days=1))
    ends = starts + timedelta(hours=2)
    data = {
        "hub": event.hub.pk,
        "title": event.title,
        "category": event.category,
        "audience": "all",
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": starts.strftime("%H:%M"),
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": ends.strftime("%H:%M"),
        "registration": "portal",
        "capacity": "10",
        "max_group_size": "4",
        "status": "scheduled",
        "registrations-TOTAL_FORMS": "1",
        "registrations-INITIAL_FORMS": "1",
        "registrations-0-id": Registration.objects.get().pk,
        "registrations-0-event": event.pk,
    }
    response = client.post(f"/admin/innbyggertorg/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Notification.objects.filter(template="innbyggertorg/email/event_changed").count() == 1


def test_admin__attendee_csv_for_own_events_only(client):
    mine, theirs = EventFactory(), EventFactory()
    services.registration_create(event=mine, name="Kari", email="kari@example.no")
    client.force_login(hub_staff(mine.hub))
    response = client.post(
        "/admin/innbyggertorg/event/", {"action": "export_attendees", "_selected_action": [mine.pk]}
    )
    assert "kari@example.no" in response.getvalue().decode()
    assert client.get(f"/admin/innbyggertorg/event/{theirs.pk}/change/").status_code == 404


def test_admin__attendee_csv_of_every_event_in_the_list_streams_and_is_audited(client):
    """ "Select all" in the list: the action gets the changelist's whole queryset (with its
    select_related), the file streams, and each exported event is in the audit trail."""
    first = EventFactory(title="Kor")
    second = EventFactory(
        hub=first.hub,
        title="Kor for eldre",
        starts_at=first.starts_at + timedelta(days=1),
        ends_at=first.ends_at + timedelta(days=1),
    )
    services.registration_create(event=first, name="Kari", email="kari@example.no")
    services.registration_create(event=second, name="Per", email="per@example.no")
    staff = hub_staff(first.hub)
    client.force_login(staff)
    response = client.post(
        "/admin/innbyggertorg/event/?q=Kor",
        {
            "action": "export_attendees",
            "select_across": "1",
            "index": "0",
            "_selected_action": [first.pk],
        },
    )
    assert response.streaming
    text = response.getvalue().decode()
    assert (
        text.index("kari@example.no") < text.index("Kor for eldre") < text.index("per@example.no")
    )
    logged = LogEntry.objects.filter(user=staff, change_message__contains="CSV")
    assert sorted(logged.values_list("object_repr", flat=True)) == ["Kor", "Kor for eldre"]


def test_event_page__html_in_the_description_is_shown_as_text(client):
    event = EventFactory(description='<script>alert("x")</script><b>fet</b>')
    page = client.get(event.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_registration_form__invalid_email__field_error_nothing_saved(client):
    event = EventFactory()
    response = client.post(
        event.get_absolute_url(), {"name": "X", "email": "ikke-epost", "group_size": "1"}
    )
    assert response.status_code == 400
    assert "gyldig e-postadresse" in response.content.decode()
    assert not Registration.objects.exists()


def test_admin__staff_mark_attendance(client):
    event = EventFactory()
    registration = services.registration_create(event=event, name="A", email="a@example.no")
    client.force_login(hub_staff(event.hub))
    page = client.get(f"/admin/innbyggertorg/event/{event.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("languages",)
    }
    data.update(
        {
            "hub": event.hub.pk,
            "category": event.category,
            "audience": event.audience,
            "starts_at_0": timezone.localtime(event.starts_at).strftime("%Y-%m-%d"),
            "starts_at_1": timezone.localtime(event.starts_at).strftime("%H:%M:%S"),
            "ends_at_0": timezone.localtime(event.ends_at).strftime("%Y-%m-%d"),
            "ends_at_1": timezone.localtime(event.ends_at).strftime("%H:%M:%S"),
            "registrations-TOTAL_FORMS": "1",
            "registrations-INITIAL_FORMS": "1",
            "registrations-0-id": registration.pk,
            "registrations-0-event": event.pk,
            "registrations-0-attended": "true",
        }
    )
    data.pop("id", None)
    response = client.post(f"/admin/innbyggertorg/event/{event.pk}/change/", data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    assert Registration.objects.get(pk=registration.pk).attended is True
