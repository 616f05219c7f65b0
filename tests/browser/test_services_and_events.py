"""Services and events in a real browser with axe, and the guest registration flow."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hubportal.core.demo import load_demo_data
from hubportal.notifications.models import Notification
from innbyggertorg import services
from innbyggertorg.enums import RegistrationStatus
from innbyggertorg.models import Event, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    load_demo_data()


def test_district_page__shows_services_and_next_housing_allowance_visit(
    page, demo, assert_accessible
):
    page.goto("/asker/heggedal/")
    expect(page.get_by_role("link", name="Innbyggerservice").first).to_be_visible()
    expect(page.get_by_text("Neste gang på dette knutepunktet").first).to_be_visible()
    page.get_by_role("link", name="Bostøtte og startlån").first.click()
    assert page.locator("h1").inner_text() == "Bostøtte og startlån"
    assert page.locator("ul.visits li").count() >= 7  # every Asker hub, soonest first
    assert_accessible(page)


def test_event_list__filter_with_htmx_and_accessible(page, demo, assert_accessible):
    page.goto("/asker/arrangementer/")
    assert_accessible(page)
    page.get_by_label("For").select_option("seniors")
    expect(page.locator("body")).not_to_contain_text("Kulturskolen: åpen gitartime")
    # htmx pushes the address once the new results have settled: wait for it.
    expect(page).to_have_url(re.compile(r"audience=seniors"))
    expect(page.get_by_role("link", name="Digital hjelp for seniorer").first).to_be_visible()


def test_guest_registers_confirms_cancels_and_the_first_waitlisted_is_promoted(
    page, demo, assert_accessible
):
    event = Event.objects.filter(title="Digital hjelp for seniorer", hub__slug="heggedal").get()
    Event.objects.filter(pk=event.pk).update(capacity=1)
    page.goto(event.get_absolute_url())
    assert_accessible(page)
    page.get_by_label("Navn").fill("Gjest Gjestesen")
    page.get_by_label("E-post").fill("gjest@example.no")
    page.get_by_role("button", name="Meld deg på").click()
    expect(page.get_by_text("Nesten ferdig")).to_be_visible()
    mail = Notification.objects.get(to_address="gjest@example.no")
    confirm = re.search(r"http\S+/arrangement/bekreft/\S+/", mail.body_text).group(0)
    page.goto(confirm.replace("http://127.0.0.1:8000", ""))
    assert_accessible(page)
    page.get_by_role("button", name="Bekreft").click()
    expect(page.get_by_text("Du er påmeldt")).to_be_visible()
    # Someone else finds the event full and joins the waiting list.
    waiting = services.registration_create(event=event, name="Venter", email="venter@example.no")
    services.registration_confirm_email(token=services.registration_token(waiting, "confirm"))
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.WAITLISTED
    guest = Registration.objects.get(email="gjest@example.no")
    page.goto(f"/arrangement/avmeld/{services.registration_token(guest, 'cancel')}/")
    page.get_by_role("button", name="Ja, meld meg av").click()
    expect(page.get_by_text("er avmeldt")).to_be_visible()
    assert_accessible(page)
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.CONFIRMED
    assert Notification.objects.filter(
        to_address="venter@example.no", template="innbyggertorg/email/registration_promoted"
    ).exists()
