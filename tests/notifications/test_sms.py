"""SMS that reach people: numbers checked and stored in E.164, texts within two segments in
every language, LINK Mobility's API spoken to a real HTTP stand-in (accepts, refuses, is
overloaded, times out, reports late or twice), delivery reports through the portal's own
callback with the gate's credentials and a signed reference, and each person's choice of
channel per kind of message."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hubportal.accounts.services import user_delete
from hubportal.notifications import services
from hubportal.notifications.enums import (
    Channel,
    ChannelChoice,
    DeliveryStatus,
    MessageKind,
    Status,
)
from hubportal.notifications.fake_sms_gateway import FakeLinkMobility
from hubportal.notifications.models import MessagePreference, Notification
from hubportal.notifications.phone import display_phone, normalise_phone
from hubportal.notifications.segments import count_segments
from hubportal.notifications.sms import notification_id_from_reference, sms_reference

TEMPLATE = "notifications/test_message"
GATE_USER, GATE_PASSWORD = "gate", "gate-secret-for-tests"


# --------------------------------------------------------------------------- phone numbers


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("930 12 345", "+4793012345"),
        ("+47 930 12 345", "+4793012345"),
        ("0047 93012345", "+4793012345"),
        ("41 23 45 67", "+4741234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("", ""),
    ],
)
def test_normalise_phone__common_ways_of_typing__stored_in_e164(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("12", "invalid"),
        ("930 12 34", "invalid"),
        ("not a number", "invalid"),
        ("93012345\x00", "invalid"),
        ("9" * 500, "invalid"),
        ("66 85 50 00", "not_mobile"),  # a landline cannot receive a text message
    ],
)
def test_normalise_phone__not_a_mobile_number__refused_with_a_message(typed, code):
    with pytest.raises(ValidationError) as refused:
        normalise_phone(typed)
    assert refused.value.code == code
    assert str(refused.value.messages[0])


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalise_phone__any_text__e164_or_a_validation_error(text):
    try:
        stored = normalise_phone(text)
    except ValidationError:
        return
    if stored:
        assert stored.startswith("+") and stored[1:].isdigit()
        assert normalise_phone(stored) == stored  # stable
        assert normalise_phone(display_phone(stored)) == stored


def test_display_phone__norwegian_nationally_others_internationally():
    assert display_phone("+4793012345") == "93 01 23 45"
    assert display_phone("+46701234567") == "+46 70 123 45 67"


# --------------------------------------------------------------------------- segments


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("æøå ÆØÅ" * 20, "GSM-7", 1),  # 140 characters, all in the GSM alphabet
        ("€" * 80, "GSM-7", 1),  # extension characters count twice: 160 septets
        ("€" * 81, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("Hei 👋", "UCS-2", 1),
        ("“quoted”" + "a" * 62, "UCS-2", 1),
        ("“quoted”" + "a" * 63, "UCS-2", 2),
    ],
)
def test_count_segments__gsm7_and_ucs2_limits(text, encoding, segments):
    counted = count_segments(text)
    assert (counted.encoding, counted.segments) == (encoding, segments)


SMS_TEMPLATES = [
    "booking/email/booking_reminder",
    "booking/email/booking_displaced",
    "booking/email/door_code",
    "frivillighet/email/shift_reminder",
    "frivillighet/email/shift_changed",
    "frivillighet/email/shift_changed_conflict",
    "frivillighet/email/shift_cancelled",
    "frivillighet/email/signup_promoted",
    "innbyggertorg/email/event_reminder",
    "innbyggertorg/email/event_changed",
    "innbyggertorg/email/event_cancelled",
    "innbyggertorg/email/registration_promoted",
    "notifications/test_message",
]


def _long_context() -> dict:
    """Names as long as the demo's longest, and a long site address."""
    start = timezone.now().replace(month=12, day=24, hour=18, minute=30)
    hub = SimpleNamespace(name="Heggedal innbyggertorg og frivilligsentral")
    url = SimpleNamespace(get_absolute_url=lambda: "/frivillig/oppdrag/leksehjelp-for-ungdom/")
    return {
        "site_url": "https://innbyggertorg.asker.kommune.no",
        "hub": hub,
        "resource": SimpleNamespace(name="Møterom 2 (Tårnrommet)"),
        "booking": SimpleNamespace(get_absolute_url=lambda: "/rom/bestillinger/123456/"),
        "occurrence": SimpleNamespace(starts_at=start, ends_at=start + timedelta(hours=3)),
        "lock": SimpleNamespace(name="Hovedinngang mot parkeringsplassen"),
        "code": "934857",
        "valid_from": start - timedelta(minutes=15),
        "shift": SimpleNamespace(starts_at=start),
        "opportunity": SimpleNamespace(
            title="Leksehjelp for ungdom, matematikk", get_absolute_url=url.get_absolute_url
        ),
        "event": SimpleNamespace(title="Språkkafé: norsk for nybegynnere", starts_at=start),
        "event_url": "https://innbyggertorg.asker.kommune.no/asker/arrangementer/123/",
    }


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("template", SMS_TEMPLATES)
def test_every_sms_text__fits_two_segments_in_every_language(template, language):
    with translation.override(language):
        text = render_to_string(f"{template}_sms.txt", _long_context()).strip()
    counted = count_segments(text)
    assert text and "{" not in text
    assert counted.encoding == "GSM-7", f"not in the GSM alphabet: {text!r}"
    assert counted.segments <= 2, f"{counted.segments} segments: {text!r}"


def test_sms_texts__translated_not_english_in_nynorsk():
    with translation.override("nn"):
        text = render_to_string("booking/email/booking_reminder_sms.txt", _long_context())
    assert "Reminder" not in text and "Påminning" in text


# --------------------------------------------------------------------------- the gateway


@pytest.fixture
def gateway(settings):
    server = FakeLinkMobility(username="hubportal", password="sms-secret").start()
    settings.SMS_BACKEND = "hubportal.notifications.sms.LinkMobilitySmsBackend"
    settings.SMS_LINK_URL = server.url
    settings.SMS_LINK_USERNAME = "hubportal"
    settings.SMS_LINK_PASSWORD = "sms-secret"
    settings.SMS_LINK_PLATFORM_ID = "PLATFORM"
    settings.SMS_LINK_PLATFORM_PARTNER_ID = "PARTNER"
    settings.SMS_LINK_GATE_ID = ""
    settings.SMS_SENDER = "Asker"
    settings.SMS_TIMEOUT_SECONDS = 1
    yield server
    server.stop()


def _sms(to: str) -> Notification:
    return services.notification_enqueue(
        template=TEMPLATE, context={}, channel=Channel.SMS, to_address=to, language="nb"
    )


@pytest.mark.django_db
def test_gateway__accepts__sent_with_the_gateways_reference(gateway):
    notification = _sms("+4793012345")
    assert services.notification_deliver(notification_id=notification.pk).outcome == "sent"
    notification.refresh_from_db()
    [received] = gateway.messages
    assert received["destination"] == "+4793012345"
    assert received["source"] == "Asker"
    assert received["userData"] == notification.body_text
    assert notification_id_from_reference(received["refId"]) == notification.pk
    assert notification.status == Status.SENT
    assert notification.provider_reference == received["messageId"]
    assert notification.delivery_status == DeliveryStatus.QUEUED


@pytest.mark.django_db
def test_gateway__refuses_the_number__fails_at_once_with_the_reason(gateway):
    notification = _sms("+4791111111")
    assert services.notification_deliver(notification_id=notification.pk).outcome == "failed"
    notification.refresh_from_db()
    assert notification.status == Status.FAILED and notification.attempts == 1
    assert "2106" in notification.last_error


@pytest.mark.django_db
@pytest.mark.parametrize("to", ["+4792222222", "+4793333333"])  # 503, then no answer in time
def test_gateway__overloaded_or_silent__retried_later(gateway, to):
    notification = _sms(to)
    started = time.monotonic()
    result = services.notification_deliver(notification_id=notification.pk)
    assert result.outcome == "retry"
    assert time.monotonic() - started < 5
    notification.refresh_from_db()
    assert notification.status == Status.PENDING and notification.next_attempt_at > timezone.now()
    assert notification.last_error


@pytest.mark.django_db
def test_gateway__wrong_credentials__retried_not_failed(gateway, settings):
    settings.SMS_LINK_PASSWORD = "wrong"
    notification = _sms("+4793012345")
    assert services.notification_deliver(notification_id=notification.pk).outcome == "retry"
    notification.refresh_from_db()
    assert "401" in notification.last_error
    assert gateway.messages == []


@pytest.mark.django_db
def test_gateway__down__retried_later(gateway):
    gateway.stop()
    notification = _sms("+4793012345")
    assert services.notification_deliver(notification_id=notification.pk).outcome == "retry"


# --------------------------------------------------------------------------- delivery reports


@pytest.fixture
def reporting_gateway(gateway, settings, live_server):
    settings.SMS_LINK_GATE_ID = "portal"
    settings.SMS_REPORT_USERNAME = GATE_USER
    settings.SMS_REPORT_PASSWORD = GATE_PASSWORD
    gateway.gates["portal"] = (
        live_server.url + reverse("sms_delivery_report"),
        GATE_USER,
        GATE_PASSWORD,
    )
    return gateway


def _wait_for(notification: Notification, status: str, seconds: float = 8.0) -> Notification:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.delivery_status == status:
            return notification
        time.sleep(0.05)
    raise AssertionError(f"still {notification.delivery_status!r}, not {status!r}")


@pytest.mark.django_db(transaction=True)
def test_delivery_report__delivered__shown_on_the_outbox_row(reporting_gateway):
    notification = _sms("+4793012345")
    services.notification_deliver(notification_id=notification.pk)
    notification = _wait_for(notification, DeliveryStatus.DELIVERED)
    assert notification.delivery_reported_at is not None
    assert notification.delivery_detail.startswith("1001")
    assert [r["status"] for r in reporting_gateway.reports_sent] == [204]


@pytest.mark.django_db(transaction=True)
def test_delivery_report__unknown_subscriber__not_delivered(reporting_gateway):
    notification = _sms("+4790000000")
    services.notification_deliver(notification_id=notification.pk)
    notification = _wait_for(notification, DeliveryStatus.UNDELIVERED)
    assert "2104" in notification.delivery_detail


@pytest.mark.django_db(transaction=True)
def test_delivery_report__sent_twice__recorded_once(reporting_gateway):
    notification = _sms("+4795555555")
    services.notification_deliver(notification_id=notification.pk)
    _wait_for(notification, DeliveryStatus.DELIVERED)
    deadline = time.monotonic() + 5
    while len(reporting_gateway.reports_sent) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [r["status"] for r in reporting_gateway.reports_sent] == [204, 204]
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.DELIVERED


@pytest.mark.django_db(transaction=True)
def test_delivery_report__late_on_the_way_report__never_undoes_delivered(reporting_gateway):
    notification = _sms("+4793012345")
    services.notification_deliver(notification_id=notification.pk)
    notification = _wait_for(notification, DeliveryStatus.DELIVERED)
    status = reporting_gateway.post_report(
        "portal", {"refId": sms_reference(notification.pk), "resultCode": 1005}
    )
    assert status == 204
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.DELIVERED


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def report_credentials(settings):
    settings.SMS_REPORT_USERNAME = GATE_USER
    settings.SMS_REPORT_PASSWORD = GATE_PASSWORD


def _post_report(client, report, *, auth=None, raw=None):
    return client.post(
        reverse("sms_delivery_report"),
        data=raw if raw is not None else json.dumps(report),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth if auth is not None else _basic(GATE_USER, GATE_PASSWORD),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "auth",
    [
        "",
        _basic(GATE_USER, "wrong"),
        _basic("someone", GATE_PASSWORD),
        "Basic not-base64!",
        "Bearer " + GATE_PASSWORD,
    ],
)
def test_delivery_report__wrong_gate_credentials__refused_and_nothing_changes(
    client, report_credentials, auth, caplog
):
    notification = _sms("+4793012345")
    response = _post_report(
        client, {"refId": sms_reference(notification.pk), "resultCode": 1001}, auth=auth
    )
    assert response.status_code == 401
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.UNKNOWN
    assert "refused" in caplog.text


@pytest.mark.django_db
def test_delivery_report__no_credentials_configured__every_report_refused(client, settings):
    settings.SMS_REPORT_USERNAME = settings.SMS_REPORT_PASSWORD = ""
    notification = _sms("+4793012345")
    response = _post_report(
        client, {"refId": sms_reference(notification.pk), "resultCode": 1001}, auth=_basic("", "")
    )
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "report",
    [
        {"refId": "n1-0000", "resultCode": 1001},  # a forged signature
        {"refId": "n999999999-abc", "resultCode": 1001},
        {"refId": "", "resultCode": 1001},
        {"resultCode": 1001},
        [1, 2, 3],
        "just a string",
    ],
)
def test_delivery_report__reference_not_ours__400_and_nothing_changes(
    client, report_credentials, report
):
    notification = _sms("+4793012345")
    response = _post_report(client, report)
    assert response.status_code == 400
    assert "error" in response.json()
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.UNKNOWN


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["not json", "{", "\x00", ""])
def test_delivery_report__not_json__400(client, report_credentials, raw):
    response = _post_report(client, None, raw=raw)
    assert response.status_code == 400


@pytest.mark.django_db
def test_delivery_report__signed_reference_of_an_email__refused(client, report_credentials):
    email = services.notification_enqueue(
        template=TEMPLATE, context={}, to_address="kari@example.no"
    )
    response = _post_report(client, {"refId": sms_reference(email.pk), "resultCode": 1001})
    assert response.status_code == 400


@pytest.mark.django_db
def test_delivery_report__result_code_not_a_number__400(client, report_credentials):
    notification = _sms("+4793012345")
    for code in ("1001", None, True, 1.5):
        response = _post_report(
            client, {"refId": sms_reference(notification.pk), "resultCode": code}
        )
        assert response.status_code == 400


def test_delivery_report__get__405(client):
    assert client.get(reverse("sms_delivery_report")).status_code == 405


# --------------------------------------------------------------------------- channel per kind


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user(
        "kari@example.no", phone="+4793012345", language="nb"
    )


def _remind(person, key="booking-reminder:1"):
    return services.notification_enqueue(
        template="booking/email/booking_reminder",
        context=_long_context(),
        recipient=person,
        dedupe_key=key,
        kind=MessageKind.REMINDER,
    )


def _rows():
    return sorted(Notification.objects.values_list("channel", "dedupe_key", "to_address"))


def test_channels__no_choice__email_only(person):
    _remind(person)
    assert _rows() == [("email", "booking-reminder:1", "kari@example.no")]


def test_channels__sms_chosen__sms_only_with_its_own_key(person):
    services.message_preferences_save(user=person, choices={MessageKind.REMINDER: "sms"})
    row = _remind(person)
    assert row.channel == Channel.SMS
    assert _rows() == [("sms", "booking-reminder:1#sms", "+4793012345")]


def test_channels__both__email_and_sms_and_cancel_and_reschedule_reach_both(person):
    services.message_preferences_save(user=person, choices={MessageKind.REMINDER: "both"})
    _remind(person)
    assert [c for c, _k, _t in _rows()] == ["email", "sms"]
    later = timezone.now() + timedelta(days=3)
    services.notification_reschedule(dedupe_key="booking-reminder:1", send_after=later)
    assert set(Notification.objects.values_list("send_after", flat=True)) == {later}
    assert services.notification_cancel(dedupe_key="booking-reminder:1")
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.CANCELLED}


def test_channels__sms_chosen_but_no_number__email(person):
    services.message_preferences_save(user=person, choices={MessageKind.REMINDER: "sms"})
    person.phone = ""
    person.save()
    _remind(person)
    assert _rows() == [("email", "booking-reminder:1", "kari@example.no")]


def test_channels__other_kind_chosen__this_kind_stays_email(person):
    services.message_preferences_save(user=person, choices={MessageKind.CHANGE: "sms"})
    _remind(person)
    assert [c for c, _k, _t in _rows()] == ["email"]


def test_channels__same_event_twice__one_email_one_sms(person):
    services.message_preferences_save(user=person, choices={MessageKind.REMINDER: "both"})
    _remind(person)
    _remind(person)
    assert len(_rows()) == 2


def test_preferences_save__unknown_kind_or_channel__refused(person):
    with pytest.raises(ValueError):
        services.message_preferences_save(user=person, choices={"everything": "sms"})
    with pytest.raises(ValueError):
        services.message_preferences_save(user=person, choices={MessageKind.REMINDER: "pigeon"})
    assert not MessagePreference.objects.exists()


# --------------------------------------------------------------------------- the profile page


def _profile_post(client, **fields):
    data = {"full_name": "Kari Nordmann", "language": "nb", "phone": ""}
    data.update({f"channels_{kind}": ChannelChoice.EMAIL for kind in MessageKind})
    data.update(fields)
    return client.post(reverse("account_profile"), data)


def test_profile__number_and_sms_reminders__saved(client, person):
    client.force_login(person)
    response = _profile_post(client, phone="+47 412 34 567", channels_reminder="both")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+4741234567"
    assert MessagePreference.objects.get(user=person, kind="reminder").channels == "both"
    page = client.get(reverse("account_profile")).content.decode()
    assert 'value="41 23 45 67"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"phone": "12"}, "ikke et gyldig telefonnummer"),
        ({"phone": "ring meg"}, "Skriv inn et telefonnummer"),
        ({"phone": "66 85 50 00"}, "mobilnummer"),
        ({"phone": "930\x0012345"}, "Null-tegn"),
        ({"phone": "", "channels_change": "sms"}, "mobilnummeret ditt"),
        ({"channels_reminder": "pigeon"}, "Velg et gyldig valg"),
    ],
)
def test_profile__bad_number_or_sms_without_one__message_and_nothing_saved(
    client, person, fields, message
):
    client.force_login(person)
    response = _profile_post(client, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "+4793012345" and person.full_name == ""
    assert not MessagePreference.objects.exists()


def test_personal_data__number_and_choices_downloaded_and_deleted(client, person):
    services.message_preferences_save(user=person, choices={MessageKind.PLACE: "sms"})
    client.force_login(person)
    data = json.loads(client.get(reverse("account_export_data")).content)
    assert data["account"]["mobile_number"] == "+4793012345"
    assert data["message_preferences"] == {"place": "sms"}
    user_delete(user=person)
    assert not MessagePreference.objects.exists()
    assert mail.outbox == []
