"""Every page type of the public portal (and the signed-in citizen's pages, and the season
round's allocation tool for staff), on a phone (320 px) and a desktop (1280 px), in a
real Chromium: no page is wider than the window (WCAG 1.4.10, reflow), axe finds no WCAG
2.1 A/AA violation, and a screenshot of each is written to test-results/screenshots/ for a
reviewer to look at (named <page>-<width>.png; the folder is git-ignored)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from betaling.enums import PaymentState, PriceUnit, VatRate
from betaling.models import Payment
from betaling.selectors import last_ended_month
from booking.services import booking_create, booking_payment_settled
from frivillighet.models import Opportunity, Organisation
from hubportal.core.demo import DEMO_PASSWORD, load_demo_data
from hubportal.search.services import search_rebuild
from innbyggertorg.models import Event, ServiceType
from knutepunkt.models import District, Hub, Municipality
from sesong.models import ApplicationRound
from tests.betaling.factories import PriceLineFactory, PriceListFactory
from tests.booking.factories import ResourceFactory
from tests.support.head import assert_page_meta, read_head

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
WIDTHS = [320, 1280]
CITIZEN = "innbygger@demo.hubportal.no"
MUNICIPALITY_ADMIN = "admin.asker@demo.hubportal.no"


def _public_pages(citizen_booking_resource) -> dict[str, str]:
    asker = Municipality.objects.get(slug="asker")
    district = District.objects.filter(municipality=asker).order_by("name").first()
    hub = Hub.objects.filter(municipality=asker).order_by("name").first()
    event = Event.objects.filter(municipality=asker).order_by("pk").first()
    service = ServiceType.objects.filter(municipality=asker).order_by("name").first()
    organisation = Organisation.objects.order_by("pk").first()
    opportunity = Opportunity.objects.order_by("pk").first()
    season = _season_round()
    return {
        "front-page": "/",
        "find-district": "/finn-bydel/?postnummer=1389",
        "municipality": asker.get_absolute_url(),
        "district": district.get_absolute_url(),
        "hub": hub.get_absolute_url(),
        "search": f"/{asker.slug}/sok/?q=bostotte",
        "search-all": "/sok/?q=heggedal",
        "services": f"/{asker.slug}/tjenester/",
        "service": f"/{asker.slug}/tjenester/{service.slug}/",
        "events": f"/{asker.slug}/arrangementer/",
        "event": f"/{asker.slug}/arrangementer/{event.pk}/",
        "find-room": "/rom/",
        "room": f"/rom/{citizen_booking_resource.pk}/",
        "volunteering": "/frivillighet/",
        "organisation": f"/frivillighet/organisasjon/{organisation.pk}/",
        "opportunity": f"/frivillighet/oppdrag/{opportunity.pk}/",
        "season-rounds": "/sesong/",
        "season-round": f"/sesong/{season.pk}/",
        "cooperations": "/samarbeid/",
        "cooperation": "/samarbeid/vaernesregionen/",
        "accessibility": f"/{asker.slug}/tilgjengelighet/",
        "accessibility-feedback": f"/{asker.slug}/tilgjengelighet/tilbakemelding/",
        "privacy": f"/{asker.slug}/personvern/",
        "cookies": "/informasjonskapsler/",
        "accessibility-index": "/tilgjengelighet/",
        "login": "/konto/login/",
        "signup": "/konto/signup/",
        "password-reset": "/konto/password/reset/",
        "not-found": "/finnes-ikke/",
        "bad-request": "/rom/?day=3000-01-01",
        "english-district": "/en" + district.get_absolute_url(),
    }


def _season_round() -> ApplicationRound:
    """The demo's round open for applications (Heggedal's)."""
    return ApplicationRound.objects.filter(hubs__slug="heggedal").order_by("pk").first()


def _staff_pages() -> dict[str, str]:
    last = last_ended_month()  # the demo's invoiced payers booked Storsalen then
    month = f"asker/{last.year}/{last.month}/"
    return {
        "season-allocation-tool": f"/sesong/{_season_round().pk}/tildeling/",
        "invoice-bases": "/betaling/fakturagrunnlag/",
        "invoice-basis": f"/betaling/fakturagrunnlag/{month}",
        "finance-report": f"/betaling/okonomi/{month}",
    }


def _personal_pages(booking_pk: int, resource_pk: int) -> dict[str, str]:
    return {
        "season-application": f"/sesong/{_season_round().pk}/sok/",
        "my-bookings": "/bookinger/",
        "booking": f"/bookinger/{booking_pk}/",
        "book": f"/rom/{resource_pk}/book/",
        "profile": "/konto/profil/",
        "email": "/konto/email/",
        "password-change": "/konto/password/change/",
        "delete-account": "/konto/slett/",
        "my-shifts": "/frivillighet/mine-vakter/",
        "volunteer-profile": "/frivillighet/profil/",
        "register-organisation": "/frivillighet/registrer/",
    }


@pytest.fixture
def world():
    load_demo_data()
    search_rebuild()
    citizen = get_user_model().objects.get(email=CITIZEN)
    room = ResourceFactory(name="Prosjektrommet")
    start = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    start += timedelta(days=4)
    result = booking_create(
        booker=citizen,
        resource=room,
        times=[(start, start + timedelta(hours=2))],
        purpose="Sjakklubb for alle med lange navn",
    )
    booking = result.booking
    # A room with prices: its price lists, the price of a booking of it, the price check.
    priced = ResourceFactory(name="Selskapslokalet", max_minutes=600)
    prices = PriceListFactory(resource=priced, minimum_charge=50000)
    PriceLineFactory(price_list=prices, label="Leie av lokalet", unit_price=30000)
    PriceLineFactory(
        price_list=prices,
        label="Vask",
        unit=PriceUnit.PER_BOOKING,
        unit_price=20000,
        vat_rate=VatRate.HIGH,
    )
    paid = booking_create(
        booker=citizen,
        resource=priced,
        times=[
            (start + timedelta(days=7 * n), start + timedelta(days=7 * n, hours=3)) for n in (1, 2)
        ],
        purpose="Bursdagsfeiring",
        repeat="weekly",
    ).booking
    # One held awaiting payment (the pay page), one paid (the return page, the receipt).
    settled = booking_create(
        booker=citizen,
        resource=priced,
        times=[(start + timedelta(days=30), start + timedelta(days=30, hours=2))],
        purpose="Foreningsmøte",
    ).booking
    booking_payment_settled(booking=settled, status=settled.payment.then_status)
    Payment.objects.filter(booking=settled).update(
        state=PaymentState.CAPTURED,
        captured_amount=settled.payment.amount,
        authorised_at=timezone.now(),
    )
    reference = settled.payment.reference
    public = _public_pages(room) | {"room-with-prices": f"/rom/{priced.pk}/"}
    personal = _personal_pages(booking.pk, room.pk) | {
        "booking-with-price": f"/bookinger/{paid.pk}/",
        "pay": f"/betaling/{paid.pk}/betal/",
        "payment-return": f"/betaling/retur/{reference}/",
        "receipt": f"/betaling/kvittering/{reference}/",
    }
    check = f"/rom/{priced.pk}/book/?" + urlencode(
        {"start": (start + timedelta(days=21)).isoformat(), "lengde": 120}
    )
    return {
        "public": public,
        "personal": personal,
        "price_check": check,
        "staff": _staff_pages(),
    }


# The innermost elements that reach past the window's right edge, to name in a failure.
WIDER_THAN_THE_WINDOW = """() => {
  const past = (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5;
  return [...document.querySelectorAll("body *")]
    .filter((el) => past(el) && ![...el.children].some(past))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.textContent.slice(0, 40)}`);
}"""


# base.html's description, for a page with nothing of its own to say (no page type here).
GENERIC_DESCRIPTION = (
    "Your local hub: opening hours, services, events, rooms to book and volunteering in your "
    "district."
)


def _check(page, name, width, assert_accessible, status=200) -> str:
    """Checks one page and writes its screenshot; answers its meta description."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (
        f"{name} ({page.url}) scrolls sideways by {overflow}px at {width}px: "
        + "; ".join(page.evaluate(WIDER_THAN_THE_WINDOW))
    )
    assert page.locator("h1").count() == 1, f"{name} has {page.locator('h1').count()} h1"
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description and len(description) > 20, f"{name} has no meta description"
    # Open Graph, and the canonical address with its hreflang alternates (none on an error
    # page); the JSON-LD blocks parse (the policy watcher fails the test on a violation).
    address = urlsplit(page.url)
    side = re.search(r"(?:^|&)(side=(?:[2-9]|\d\d+))(?:&|$)", address.query)
    head = read_head(page.content())
    assert_page_meta(
        head,
        name=name,
        path=None if status >= 400 else address.path + (f"?{side[1]}" if side else ""),
        site_url=settings.SITE_URL,
        language=page.evaluate("document.documentElement.lang"),
    )
    assert page.locator('link[rel="icon"]').count() == 1, name
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    return description


def _context(browser, live_server, width):
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type__fits_the_window_and_is_accessible(
    browser, live_server, world, assert_accessible, width
):
    context, page = _context(browser, live_server, width)
    descriptions = {}
    for name, url in world["public"].items():
        response = page.goto(url)
        assert response.status < 500, f"{name} ({url}) answered {response.status}"
        descriptions[name] = _check(page, name, width, assert_accessible, response.status)
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(CITIZEN)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    for name, url in world["personal"].items():
        response = page.goto(url)
        assert response.status == 200, f"{name} ({url}) answered {response.status}"
        assert not re.search(r"/konto/login/", page.url), f"{name} sent to the login"
        descriptions[name] = _check(page, name, width, assert_accessible)
    # The price before booking: the times checked, with what they cost.
    page.goto(world["price_check"])
    page.get_by_label("Formål").fill("Bursdag")
    page.get_by_role("button", name="Sjekk tidene først").click()
    page.wait_for_load_state()
    assert page.get_by_role("table", name="Pris per gang, inkludert mva.").count() == 1
    _check(page, "price-check", width, assert_accessible)  # the book page again: same description
    context.close()
    context, page = _context(browser, live_server, width)
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(MUNICIPALITY_ADMIN)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    for name, url in world["staff"].items():
        response = page.goto(url)
        assert response.status == 200, f"{name} ({url}) answered {response.status}"
        descriptions[name] = _check(page, name, width, assert_accessible)
    context.close()
    _assert_each_page_type_describes_itself(descriptions)


# Entries of the walk that are another entry's page type, seen in another state.
SAME_PAGE_TYPE = {"bad-request": "find-room"}  # the room search refusing a date
# Page types whose templates have no description of their own yet: none (the season pages
# have theirs); a page type added without one fails the walk.
WITHOUT_A_DESCRIPTION_YET: set[str] = set()


def _assert_each_page_type_describes_itself(descriptions: dict[str, str]) -> None:
    """Every page type has a meta description of its own: none is base.html's generic one
    (translated), and no two page types share one."""
    descriptions = {n: d for n, d in descriptions.items() if n not in SAME_PAGE_TYPE}
    with translation.override("nb"):
        generic = translation.gettext(GENERIC_DESCRIPTION)
    generic_ones = {name for name, text in descriptions.items() if text == generic}
    assert generic_ones <= WITHOUT_A_DESCRIPTION_YET, (
        f"the generic description on {sorted(generic_ones)}"
    )
    descriptions = {n: d for n, d in descriptions.items() if n not in generic_ones}
    by_text = {}
    for name, text in descriptions.items():
        by_text.setdefault(text, []).append(name)
    shared = [names for names in by_text.values() if len(names) > 1]
    assert not shared, f"page types sharing a description: {shared}"
