"""The .ics files the portal mails (booking confirmation, event registration) are read
alike by ical.js and icalendar too, across both daylight-saving changes."""

from __future__ import annotations

from datetime import time

import pytest
from allauth.account.models import EmailAddress

from booking.models import Occurrence
from hubportal.notifications.models import Notification
from innbyggertorg import services as event_services
from tests.innbyggertorg.factories import EventFactory
from tests.knutepunkt.factories import UserFactory

from .conftest import assert_read_alike
from .test_feeds_read_alike import DST_EVENTS, bookable_room, spanning_series

pytestmark = pytest.mark.django_db


def attachment(template: str) -> bytes:
    (notification,) = Notification.objects.filter(template=template)
    (ics,) = [a for a in notification.attachments if a["mimetype"] == "text/calendar"]
    return ics["content"].encode()


def test_booking_confirmation__series_over_both_changes(read_with_icaljs):
    room = bookable_room()
    spanning_series(room, UserFactory(), time(2, 30))
    content = attachment("booking/email/booking_confirmed")
    expected = [(o.starts_at, o.ends_at) for o in Occurrence.objects.filter(resource=room)]
    assert len(expected) > 30
    assert_read_alike(content, read_with_icaljs, expected)


@pytest.mark.parametrize("times", [DST_EVENTS[0], DST_EVENTS[4], DST_EVENTS[5]])
def test_event_registration__event_at_a_change(times, read_with_icaljs):
    start, end = times
    event = EventFactory(starts_at=start, ends_at=end, capacity=5)
    user = UserFactory(email="kari@example.no")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    event_services.registration_create(event=event, name="Kari", email=user.email, user=user)
    content = attachment("innbyggertorg/email/registration_confirmed")
    assert_read_alike(content, read_with_icaljs, [(start, end)])
