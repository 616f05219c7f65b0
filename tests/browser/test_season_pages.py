"""Seasonal allocation in a real browser with axe: the application form (with its error
summary), the staff's allocation tool (with and without JavaScript, by keyboard) and the
decision page, on the way from applying to an accepted weekly series."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from booking.models import Booking
from sesong import services
from sesong.models import Application
from tests.sesong.factories import season_world, wish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "et-langt-passord-2026"  # the factories' password


def sign_in(browser, live_server, user, *, javascript=True):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    return context, page


def test_application_form__errors_summarised_then_sent_with_a_receipt(
    browser, live_server, assert_accessible
):
    world = season_world()
    org, coordinator = world.applicant()
    context, page = sign_in(browser, live_server, coordinator)
    page.goto(f"/sesong/{world.round.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Søk om faste ukentlige tider").click()
    assert_accessible(page)
    page.get_by_label("Organisasjon").select_option(value=str(org.pk))
    page.get_by_label("Aktivitet").fill("Kor for alle")
    page.get_by_label("Forventet antall deltakere").fill("15")
    first = page.locator("fieldset.wish").first
    first.get_by_label("Ukedag").select_option(value="2")
    first.get_by_label("Fra").fill("06:00")
    first.get_by_label("Til", exact=True).fill("07:00")
    first.get_by_label("Rom", exact=True).select_option(label=str(world.rooms[0]))
    page.get_by_role("button", name="Send søknaden").click()
    summary = page.get_by_role("alert", name="Søknaden kunne ikke sendes")
    expect(summary).to_contain_text("ikke åpent hele tiden")
    assert_accessible(page)
    first = page.locator("fieldset.wish").first
    first.get_by_label("Fra").fill("18:00")
    first.get_by_label("Til", exact=True).fill("20:00")
    page.get_by_role("button", name="Send søknaden").click()
    application = Application.objects.get()
    expect(page.get_by_text(application.reference).first).to_be_visible()
    expect(page.get_by_role("heading", name="Kvittering")).to_be_visible()
    assert_accessible(page)
    context.close()


def test_allocation_tool__proposal_by_keyboard_grid_without_javascript(
    browser, live_server, assert_accessible
):
    world = season_world()
    for n in range(3):
        org, coordinator = world.applicant()
        world.apply(org, coordinator, [wish(resource=world.rooms[n % 2], start=(18, 0))])
    world.to_allocating()
    context, page = sign_in(browser, live_server, world.staff)
    page.goto(f"/sesong/{world.round.pk}/tildeling/")
    assert_accessible(page)
    button = page.get_by_role("button", name="Kjør det automatiske forslaget")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Forslag laget")).to_be_visible()
    expect(page.locator(".season-allocation").first).to_be_visible()
    assert_accessible(page)
    # HTMX swaps the grid when another room is chosen.
    page.get_by_label("Rom", exact=True).first.select_option(
        label=f"{world.rooms[1].name} ({world.hub.name})"
    )
    expect(
        page.get_by_role("heading", name=f"Uken for {world.rooms[1].name}", exact=False)
    ).to_be_visible()
    assert_accessible(page)
    context.close()
    # Without JavaScript the same tool works: choose a room and press Show.
    context, page = sign_in(browser, live_server, world.staff, javascript=False)
    page.goto(f"/sesong/{world.round.pk}/tildeling/")
    page.get_by_label("Rom", exact=True).first.select_option(
        label=f"{world.rooms[1].name} ({world.hub.name})"
    )
    page.get_by_role("button", name="Vis").click()
    expect(
        page.get_by_role("heading", name=f"Uken for {world.rooms[1].name}", exact=False)
    ).to_be_visible()
    context.close()


def test_decision_page__published_decision_accepted_into_a_series(
    browser, live_server, assert_accessible
):
    world = season_world()
    org, coordinator = world.applicant()
    application = world.apply(org, coordinator, [wish(resource=world.rooms[0])])
    world.to_allocating()
    services.proposal_run(by=world.staff, round=world.round)
    world.publish()
    context, page = sign_in(browser, live_server, coordinator)
    page.goto(application.get_absolute_url())
    expect(page.get_by_role("heading", name="Vedtak: Tildelt i sin helhet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Vedtaket som dokument (for utskrift)").click()
    expect(page.get_by_role("heading", name="Slik klager du")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("button", name="Aksepter tildelingen").click()
    expect(page.get_by_text("Akseptert:").first).to_be_visible()
    booking = Booking.objects.get(organisation=org)
    page.goto("/bookinger/")
    expect(page.get_by_role("link", name=booking.purpose).first).to_be_visible()
    context.close()
