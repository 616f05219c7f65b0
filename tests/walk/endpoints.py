"""Every URL the project serves, found in the URL conf and the admin registry, and what each
role should get from it.

The URL list is not written down here: `discovered()` walks `get_resolver()` recursively
(the language prefix included) and `admin.site._registry`. What is written down is how to
fill each pattern's parameters from the fixture world and what each role should be
answered. A pattern that appears in the URL conf with no way to fill it is *a page nobody
can reach*: the walk fails and names it, so a page added later is walked automatically
once it has its line here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from .world import ROLES, STAFF_ROLES, World

# --------------------------------------------------------------------------- expectations
# What each role gets, per kind of page. "login": a redirect to the sign-in page (the
# admin's own for admin pages); "refused": 403 or 404 (a page outside one's scope does not
# exist for one); "302": a redirect elsewhere.
#
#                   anonymous citizen volunteer coordinator hub_staff municipality_admin superuser
# fmt: off
EXPECTED = {
    "public":        "200       200     200       200         200       200       200",
    "signed_in":     "login     200     200       200         200       200       200",
    "guest_only":    "200       302     302       302         302       302       302",
    "redirect":      "302       302     302       302         302       302       302",
    "post_only":     "login     405     405       405         405       405       405",
    "signed_in_302": "login     302     302       302         302       302       302",
    "logout":        "302       200     200       200         200       200       200",
    # A sign-in through the identity provider that failed or was never started.
    "auth_error":    "401       401     401       401         401       401       401",
    # The API's staff reads: an API token, not a session, opens them (tests/api/test_tokens.py).
    "api_token":     "401       401     401       401         401       401       401",
    # The OAuth consent page without an application's request: sign in, then a page saying
    # the request was not valid (tests/api/test_oauth.py walks the real flow).
    "oauth_authorize": "login   400     400       400         400       400       400",
    # An address that names nothing, for everyone (under /api/: a JSON 404).
    "not_found":     "404       404     404       404         404       404       404",
    # A request that names nothing the page can act on (front-channel logout without iss/sid).
    "bad_request":   "400       400     400       400         400       400       400",
    # The citizen's own booking at hub A1, their own at hub B1, someone else's at hub B1.
    "own_booking":   "login     200     404       404         200       200       200",
    "own_booking_b": "login     200     404       404         404       404       200",
    "others_booking":"login     404     404       404         404       404       200",
    # What only the booker does with their own booking (paying for it).
    "own_payment":   "login     200     404       404         404       404       404",
    "others_payment":"login     404     404       404         404       404       404",
    # Coordination of organisation A / shifts at hub A1, and of organisation B / hub B1.
    "coordinates":   "login     404     404       200         200       200       200",
    "coordinates_b": "login     404     404       404         404       404       200",
    # The admin site: only staff get in; the rest are sent to the admin's sign-in.
    "admin":         "login     login   login     login       200       200       200",
    "admin_login":   "200       200     200       200         302       302       302",
    "admin_post":    "302       302     302       302         405       405       405",
    "admin_403":     "login     login   login     login       403       403       403",
    "admin_404":     "login     login   login     login       404       404       404",
    "admin_302":     "login     login   login     login       302       302       302",
    "superuser":     "login     login   login     login       refused   refused   200",
    # A server-to-server callback (the SMS gateway's delivery reports): POST only, for all.
    "callback":      "405       405     405       405         405       405       405",
    # A seasonal round's staff pages (municipality A's staff) and another municipality's.
    "round_staff":   "login     404     404       404         200       200       200",
    "round_staff_b": "login     404     404       404         404       404       200",
    # The municipality's invoicing (its administrators): A's and another municipality's.
    "invoicing":     "login     404     404       404         404       200       200",
    "invoicing_b":   "login     404     404       404         404       404       200",
    # A cooperation's coordinating view and its figures: its regional coordinators (none of
    # the walk's roles) and superusers.
    "regional":      "login     404     404       404         404       404       200",
    # A refund's fee waived by the staff of its hub (A1's refund, B1's refund).
    "refund_staff":  "login     404     404       404         200       200       200",
    "refund_staff_b":"login     404     404       404         404       404       200",
    # A season application's own pages for who applies for organisation A (its coordinator).
    "applicant":     "login     404     404       200         404       404       404",
}
# fmt: on


def expected(kind: str, role: str) -> str:
    return EXPECTED[kind].split()[ROLES.index(role)]


# Admin: what each staff role may do with each registered model ("v"iew, "a"dd, "c"hange,
# "d"elete; "-" nothing), and the objects of the world inside their scope. A model
# registered later without a line here fails the walk.
#
#                                   hub_staff municipality_admin superuser
# fmt: off
ADMIN_ACCESS = {
    "auth.group":                    "-     -     vacd",
    "account.emailaddress":          "-     -     vacd",
    "socialaccount.socialapp":       "-     -     vacd",
    "socialaccount.socialtoken":     "-     -     vacd",
    "socialaccount.socialaccount":   "-     -     vacd",
    "accounts.user":                 "-     -     vacd",
    "notifications.notification":    "-     -     vc",
    "knutepunkt.municipality":       "v     vc    vacd",
    "knutepunkt.district":           "v     vacd  vacd",
    "knutepunkt.hub":                "vc    vacd  vacd",
    "knutepunkt.openinghoursperiod": "vacd  vacd  vacd",
    "knutepunkt.openinghoursexception": "vacd vacd vacd",
    "knutepunkt.newsitem":           "vacd  vacd  vacd",
    "knutepunkt.staffmembership":    "-     vacd  vacd",
    "knutepunkt.accessibilitystatement": "- vacd  vacd",
    "knutepunkt.privacystatement":   "-     vacd  vacd",
    "innbyggertorg.servicetype":     "v     vacd  vacd",
    "innbyggertorg.serviceoffer":    "vacd  vacd  vacd",
    "innbyggertorg.serviceschedule": "vacd  vacd  vacd",
    "innbyggertorg.event":           "vacd  vacd  vacd",
    "booking.resource":              "vacd  vacd  vacd",
    "booking.booking":               "vcd   vcd   vcd",
    "booking.occurrence":            "v     v     v",
    "innbyggertorg.registration":    "v     v     v",
    "frivillighet.shiftsignup":      "v     v     v",
    "frivillighet.organisation":     "vc    vacd  vacd",
    "frivillighet.cooperationagreement": "vacd vacd vacd",
    "frivillighet.shift":            "vacd  vacd  vacd",
    "frivillighet.opportunity":      "vacd  vacd  vacd",
    "frivillighet.volunteerprofile": "vc    vc    vc",
    "frivillighet.organisationmember": "-   vacd  vacd",
    "sesong.applicationround":       "v     vacd  vacd",
    "betaling.pricelist":            "vacd  vacd  vacd",
    "betaling.cancellationterms":    "vacd  vacd  vacd",
    "betaling.payment":              "v     v     v",
    "betaling.refund":               "v     v     v",
    "betaling.invoiceperiod":        "-     v     v",
    "betaling.invoicebasis":         "-     v     v",
    "betaling.invoiceaddress":       "-     vacd  vacd",
    "api.apitoken":                  "-     vac   vac",
    "api.webhooksubscription":       "-     vac   vac",
    "api.webhookdelivery":           "-     vc    vc",

    "samarbeid.cooperation":         "-     -     vacd",
    "samarbeid.sharedarrangement":   "-     -     vacd",
    "samarbeid.regionalcoordinator": "-     -     vacd",
    "api.oauthclient":               "-     vacd  vacd",
}
# fmt: on

# Models whose objects hub staff see across their whole municipality (the catalogue, the
# districts, the associations), not only at their own hub.
MUNICIPALITY_WIDE_FOR_HUB_STAFF = {
    "knutepunkt.municipality",
    "knutepunkt.district",
    "innbyggertorg.servicetype",
    "frivillighet.organisation",
    "sesong.applicationround",
}


def admin_access(label: str, role: str) -> str:
    if role not in STAFF_ROLES:
        return ""
    letters = ADMIN_ACCESS[label].split()[STAFF_ROLES.index(role)]
    return "" if letters == "-" else letters


def places_in_scope(label: str, role: str) -> tuple[str, ...]:
    """Where the role's scope reaches, for objects of this model (a1, a2, b1)."""
    if role == "superuser":
        return ("a1", "a2", "b1")
    if role == "municipality_admin":
        return ("a1", "a2")
    if role == "hub_staff":
        return ("a1", "a2") if label in MUNICIPALITY_WIDE_FOR_HUB_STAFF else ("a1",)
    return ()


# --------------------------------------------------------------------------- the site
Fill = Callable[[World], dict]


@dataclass(frozen=True)
class Variant:
    kind: str
    fill: Fill = lambda world: {}
    query: str = ""
    html: bool = True  # False: a file (calendar, JSON, CSV), not a page


def _month(world: World, place: str) -> dict:
    municipality = world.at("knutepunkt.municipality", place)
    return {"municipality": municipality.slug, "year": 2026, "month": 11}


def pk(label: str, place: str, name: str) -> Fill:
    return lambda world: {name: world.at(label, place).pk}


def slugs(**names: tuple[str, str]) -> Fill:
    """e.g. slugs(municipality=("municipality", "a")): URL parameters from slugs."""

    def fill(world: World) -> dict:
        return {name: getattr(world, kind)[place].slug for name, (kind, place) in names.items()}

    return fill


def merged(*fills: Fill) -> Fill:
    return lambda world: {k: v for fill in fills for k, v in fill(world).items()}


def token(name: str, key: str) -> Fill:
    return lambda world: {name: world.tokens[key]}


def _confirm_email_key(world: World) -> dict:
    address, _created = EmailAddress.objects.get_or_create(
        user=world.users["other"], email="ny-adresse@walk.example.no", defaults={"verified": False}
    )
    return {"key": EmailConfirmationHMAC(address).key}


def _password_reset_key(world: World) -> dict:
    user = world.users["other"]
    return {"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}


MUNICIPALITY_A = slugs(municipality=("municipality", "a"))


def pk_of(kind: str, place: str, name: str) -> Fill:
    """The id of a place of the world (world.hub["a1"], world.district["a1"], ...)."""
    return lambda world: {name: getattr(world, kind)[place].pk}


HUB_A1 = slugs(municipality=("municipality", "a"), hub=("hub", "a1"))
EVENT_A1 = merged(MUNICIPALITY_A, pk("innbyggertorg.event", "a1", "event"))
SERVICE_A1 = merged(
    MUNICIPALITY_A, lambda world: {"service": world.at("innbyggertorg.servicetype", "a1").slug}
)

# Each URL name (or, for an unnamed pattern, its route) and how to fill it.
SITE: dict[str, list[Variant]] = {
    "healthz": [Variant("public", html=False)],
    "set_language": [Variant("redirect")],
    "choose_language": [Variant("redirect", lambda world: {"code": "nn"})],
    "brand_stylesheet": [Variant("public", lambda world: {"colour": "0b5394"}, html=False)],
    "robots_txt": [Variant("public", html=False)],
    "django.contrib.sitemaps.views.sitemap": [Variant("public", html=False)],
    "sms_delivery_report": [Variant("callback", html=False)],
    "oauth_authorize": [Variant("oauth_authorize")],
    "oauth_token": [Variant("callback", html=False)],
    "oauth_revoke_token": [Variant("callback", html=False)],
    "home": [Variant("public")],
    # Accounts (django-allauth and our own pages).
    "account_login": [Variant("guest_only")],
    "account_logout": [Variant("logout")],
    "account_inactive": [Variant("public")],
    "account_signup": [Variant("guest_only")],
    "account_reauthenticate": [Variant("signed_in")],
    "account_email": [Variant("signed_in")],
    "account_email_verification_sent": [Variant("public")],
    "account_change_password": [Variant("signed_in")],
    "account_set_password": [Variant("signed_in_302")],
    "account_reset_password": [Variant("public")],
    "account_confirm_login_code": [Variant("redirect")],
    "account_confirm_email": [Variant("public", _confirm_email_key)],
    "account_reset_password_from_key_done": [Variant("public")],
    "account_reset_password_from_key": [Variant("redirect", _password_reset_key)],
    "account_reset_password_done": [Variant("public")],
    "socialaccount_login_cancelled": [Variant("public")],
    "socialaccount_login_error": [Variant("auth_error")],
    "socialaccount_signup": [Variant("redirect")],
    "socialaccount_connections": [Variant("signed_in")],
    "konto/social/login/cancelled/": [Variant("redirect")],
    "konto/social/login/error/": [Variant("redirect")],
    "konto/social/signup/": [Variant("redirect")],
    "konto/social/connections/": [Variant("redirect")],
    "openid_connect_login": [Variant("public", lambda world: {"provider_id": "idporten"})],
    "openid_connect_callback": [Variant("auth_error", lambda world: {"provider_id": "idporten"})],
    "openid_connect_frontchannel_logout": [
        Variant("bad_request", lambda world: {"provider_id": "idporten"}),
        Variant("bad_request", lambda world: {"provider_id": "idporten"}, query="iss=x&sid=y"),
    ],
    "account_logged_out": [Variant("public"), Variant("public", query="state=forged")],
    "account_profile": [Variant("signed_in")],
    "account_export_data": [Variant("signed_in", html=False)],
    "account_delete": [Variant("signed_in")],
    # Services and events.
    "innbyggertorg:registration_confirm": [Variant("public", token("token", "confirm"))],
    "innbyggertorg:registration_cancel": [Variant("public", token("token", "cancel"))],
    "innbyggertorg:events": [
        Variant("public", MUNICIPALITY_A),
        Variant("public", MUNICIPALITY_A, query="start=2027-01-01&free=on"),
    ],
    "innbyggertorg:event": [Variant("public", EVENT_A1)],
    "innbyggertorg:event_ics": [Variant("public", EVENT_A1, html=False)],
    "innbyggertorg:hub_events_ics": [Variant("public", HUB_A1, html=False)],
    "innbyggertorg:services": [Variant("public", MUNICIPALITY_A)],
    "innbyggertorg:service": [Variant("public", SERVICE_A1)],
    "innbyggertorg:service_calendar": [Variant("public", SERVICE_A1, html=False)],
    "innbyggertorg:hub_calendar": [Variant("public", HUB_A1, html=False)],
    # Rooms and bookings.
    "booking:find_room": [
        Variant("public"),
        Variant("public", query="day=2027-03-03&start=18:00&minutes=60&people=4&kommune=walk-a"),
    ],
    "booking:resource": [
        Variant("public", pk("booking.resource", "a1", "resource")),
        Variant("public", pk("booking.resource", "b1", "resource"), query="uke=2027-03-01"),
        # One day of the week (the phone's view), and a week across the clocks' change.
        Variant(
            "public",
            pk("booking.resource", "a1", "resource"),
            query="uke=2027-03-22&dag=2027-03-28",
        ),
        Variant(
            "public",
            pk("booking.resource", "a1", "resource"),
            query="uke=2027-10-31&dag=2027-10-31",
        ),
    ],
    "booking:book": [
        Variant("signed_in", pk("booking.resource", "a1", "resource")),
        # A start and a length chosen in the week grid or the free-room search.
        Variant(
            "signed_in",
            pk("booking.resource", "a1", "resource"),
            query="start=2027-03-03T18%3A00%2B01%3A00&lengde=60",
        ),
    ],
    "booking:resource_feed": [
        Variant("public", pk("booking.resource", "a1", "resource"), html=False)
    ],
    "booking:my_bookings": [Variant("signed_in")],
    "booking:renew_feed": [Variant("post_only")],
    "booking:private_feed": [Variant("public", token("token", "feed"), html=False)],
    "booking:booking": [
        Variant("own_booking", pk("booking.booking", "a1", "booking")),
        Variant("own_booking_b", pk("booking.booking", "citizen_b1", "booking")),
        Variant("others_booking", pk("booking.booking", "b1", "booking")),
    ],
    "booking:cancel": [Variant("post_only", pk("booking.booking", "a1", "booking"))],
    "booking:ics": [
        Variant("own_booking", pk("booking.booking", "a1", "booking"), html=False),
        Variant("others_booking", pk("booking.booking", "b1", "booking"), html=False),
    ],
    # Paying for a booking (its booker only), the return from Vipps and the receipt (the
    # booker and the resource's staff), Vipps' webhook (a server's POST).
    "betaling:pay": [
        Variant("own_payment", pk("booking.booking", "a1", "booking")),
        Variant("others_payment", pk("booking.booking", "b1", "booking")),
    ],
    "betaling:return": [
        Variant(
            "own_booking", lambda world: {"reference": world.at("betaling.payment", "a1").reference}
        ),
        Variant("others_payment", lambda world: {"reference": "hubportal-0-unknown"}),
    ],
    "betaling:receipt": [
        Variant(
            "own_booking", lambda world: {"reference": world.at("betaling.payment", "a1").reference}
        ),
    ],
    "vipps_webhook": [Variant("callback", html=False)],
    # Invoicing: the months, a month's basis (A's, B's), and its export (a POST, once).
    "betaling:invoices": [Variant("invoicing")],
    "betaling:invoice_month": [
        Variant("invoicing", lambda world: _month(world, "a1")),
        Variant("invoicing_b", lambda world: _month(world, "b1")),
    ],
    "betaling:invoice_export": [Variant("post_only", lambda world: _month(world, "a1"))],
    "betaling:waive_fee": [
        Variant("refund_staff", pk("betaling.refund", "a1", "refund")),
        Variant("refund_staff_b", pk("betaling.refund", "b1", "refund")),
    ],
    "betaling:finance_report": [
        Variant("invoicing", lambda world: _month(world, "a1")),
        Variant("invoicing_b", lambda world: _month(world, "b1")),
    ],
    "betaling:finance_report_csv": [
        Variant("invoicing", lambda world: _month(world, "a1"), html=False),
        Variant("invoicing_b", lambda world: _month(world, "b1"), html=False),
    ],
    # Volunteering.
    "frivillighet:directory": [
        Variant("public"),
        Variant("public", query="kind=voluntary&age=children&free=on&category=sjakk"),
    ],
    "frivillighet:organisation": [
        Variant("public", pk("frivillighet.organisation", "a1", "organisation"))
    ],
    "frivillighet:opportunity": [
        Variant("public", pk("frivillighet.opportunity", "a1", "opportunity"))
    ],
    "frivillighet:signup": [Variant("post_only", pk("frivillighet.shift", "a1", "shift"))],
    "frivillighet:withdraw": [Variant("post_only", pk("frivillighet.shiftsignup", "a1", "signup"))],
    "frivillighet:my_shifts": [Variant("signed_in")],
    "frivillighet:shift_message": [
        Variant("coordinates", pk("frivillighet.shift", "a1", "shift")),
        Variant("coordinates_b", pk("frivillighet.shift", "b1", "shift")),
    ],
    "frivillighet:check_in_out": [
        Variant("post_only", pk("frivillighet.shiftsignup", "a1", "signup"))
    ],
    "frivillighet:profile": [Variant("signed_in")],
    "frivillighet:register": [Variant("signed_in")],
    "frivillighet:invite": [
        Variant("coordinates", pk("frivillighet.organisation", "a1", "organisation")),
        Variant("coordinates_b", pk("frivillighet.organisation", "b1", "organisation")),
    ],
    "frivillighet:accept_invitation": [Variant("signed_in", token("token", "invitation"))],
    "frivillighet:dashboard": [
        Variant("coordinates"),
        Variant("coordinates", query="fra=2026-01-01&til=2027-12-31"),
    ],
    # Inter-municipal cooperation.
    "samarbeid:cooperations": [Variant("public")],
    "samarbeid:cooperation": [Variant("public", lambda world: {"cooperation": "walkregionen"})],
    "samarbeid:coordination": [
        Variant("regional", lambda world: {"cooperation": "walkregionen"}),
        Variant(
            "regional",
            lambda world: {"cooperation": "walkregionen"},
            query="fra=2027-01&til=2027-03",
        ),
    ],
    "samarbeid:figure_csv": [
        Variant(
            "regional",
            lambda world: {"cooperation": "walkregionen", "figure": "romutnyttelse"},
            html=False,
        ),
    ],
    # Seasonal allocation.
    "sesong:rounds": [Variant("public")],
    "sesong:mine": [Variant("signed_in")],
    "sesong:round": [
        Variant("public", pk("sesong.applicationround", "a1", "round")),
        Variant("public", pk("sesong.applicationround", "b1", "round")),
    ],
    "sesong:apply": [Variant("signed_in", pk("sesong.applicationround", "a1", "round"))],
    "sesong:tool": [
        Variant("round_staff", pk("sesong.applicationround", "a1", "round")),
        Variant("round_staff", pk("sesong.applicationround", "published", "round"), query="rom=1"),
        Variant("round_staff_b", pk("sesong.applicationround", "b1", "round")),
    ],
    "sesong:run_proposal": [Variant("post_only", pk("sesong.applicationround", "a1", "round"))],
    "sesong:set_allocation": [Variant("post_only", pk("sesong.applicationround", "a1", "round"))],
    "sesong:change_state": [Variant("post_only", pk("sesong.applicationround", "a1", "round"))],
    "sesong:journal": [
        Variant(
            "round_staff",
            merged(
                pk("sesong.applicationround", "published", "round"), lambda w: {"format": "csv"}
            ),
            html=False,
        ),
        Variant(
            "round_staff",
            merged(pk("sesong.applicationround", "a1", "round"), lambda w: {"format": "json"}),
            html=False,
        ),
        Variant(
            "round_staff_b",
            merged(pk("sesong.applicationround", "b1", "round"), lambda w: {"format": "csv"}),
            html=False,
        ),
    ],
    "sesong:remove_allocation": [
        Variant("post_only", pk("sesong.allocation", "published", "allocation"))
    ],
    "sesong:application": [
        Variant("coordinates", pk("sesong.application", "a1", "application")),
        Variant("coordinates", pk("sesong.application", "published", "application")),
        Variant("coordinates_b", pk("sesong.application", "b1", "application")),
    ],
    "sesong:change": [
        Variant("applicant", pk("sesong.application", "a1", "application")),
    ],
    "sesong:withdraw": [Variant("post_only", pk("sesong.application", "a1", "application"))],
    "sesong:answer": [Variant("post_only", pk("sesong.application", "published", "application"))],
    "sesong:decide": [Variant("post_only", pk("sesong.application", "a1", "application"))],
    "sesong:decision": [
        Variant("coordinates", pk("sesong.application", "published", "application")),
    ],
    # District portals and search.
    "knutepunkt:find_district": [
        Variant("public"),
        Variant("public", query="lat=59.78&lon=10.44"),
    ],
    "knutepunkt:search": [Variant("public"), Variant("public", query="q=sjakk")],
    "knutepunkt:municipality": [Variant("public", MUNICIPALITY_A)],
    "knutepunkt:accessibility": [Variant("public", MUNICIPALITY_A)],
    "knutepunkt:accessibility_feedback": [Variant("public", MUNICIPALITY_A)],
    "knutepunkt:privacy": [Variant("public", MUNICIPALITY_A)],
    "knutepunkt:cookies": [Variant("public")],
    "knutepunkt:accessibility_index": [Variant("public")],
    "knutepunkt:privacy_index": [Variant("public")],
    "knutepunkt:municipality_search": [Variant("public", MUNICIPALITY_A, query="q=bostotte")],
    "knutepunkt:hub": [Variant("public", HUB_A1)],
    "knutepunkt:district": [
        Variant("public", slugs(municipality=("municipality", "a"), district=("district", "a1")))
    ],
    # The public API (api/): JSON, the same for every role.
    "api-v1:index": [Variant("public", html=False)],
    "api-v1:me_bookings": [Variant("api_token", html=False)],
    "api-v1:me_registrations": [Variant("api_token", html=False)],
    "api-v1:api-root": [Variant("public", html=False)],
    "api-v1:openapi-json": [Variant("public", html=False)],
    "api-v1:openapi-view": [Variant("public")],
    "api-v1:municipalities": [Variant("public", html=False)],
    "api-v1:municipality": [
        Variant("public", pk_of("municipality", "a", "municipality_id"), html=False)
    ],
    "api-v1:districts": [Variant("public", html=False, query="postcode=1389")],
    "api-v1:district": [Variant("public", pk_of("district", "a1", "district_id"), html=False)],
    "api-v1:hubs": [Variant("public", html=False, query="municipality=walk-a&limit=5")],
    "api-v1:hub": [Variant("public", pk_of("hub", "a1", "hub_id"), html=False)],
    "api-v1:hub_opening_hours": [
        Variant("public", pk_of("hub", "a1", "hub_id"), html=False),
        Variant(
            "public",
            pk_of("hub", "a1", "hub_id"),
            html=False,
            query="start=2027-12-20&end=2027-12-31&lang=nn",
        ),
    ],
    "api-v1:opening_hours": [Variant("public", html=False, query="municipality=walk-a")],
    "api-v1:services": [Variant("public", html=False)],
    "api-v1:service": [
        Variant("public", pk("innbyggertorg.servicetype", "a1", "service_id"), html=False)
    ],
    "api-v1:service_hours": [
        Variant("public", pk("innbyggertorg.servicetype", "a1", "service_id"), html=False)
    ],
    "api-v1:events": [Variant("public", html=False, query="free=true&audience=children")],
    "api-v1:event": [Variant("public", pk("innbyggertorg.event", "a1", "event_id"), html=False)],
    "api-v1:news": [Variant("public", html=False)],
    "api-v1:resources": [Variant("public", html=False)],
    "api-v1:resource": [Variant("public", pk("booking.resource", "a1", "resource_id"), html=False)],
    "api-v1:resource_free_times": [
        Variant("public", pk("booking.resource", "a1", "resource_id"), html=False),
        Variant(
            "public",
            pk("booking.resource", "a1", "resource_id"),
            html=False,
            query="week=2027-10-31",
        ),
    ],
    "api-v1:opportunities": [Variant("public", html=False)],
    "api-v1:opportunity": [
        Variant("public", pk("frivillighet.opportunity", "a1", "opportunity_id"), html=False)
    ],
    "api-v1:dcat_catalogues": [Variant("public", html=False)],
    "api-v1:dcat_catalogue": [Variant("public", MUNICIPALITY_A, html=False)],
    "api-v1:staff_bookings": [Variant("api_token", html=False)],
    "api-v1:staff_usage": [Variant("api_token", html=False)],
    "api_not_found": [Variant("not_found", lambda world: {"rest": "v0/nothing"}, html=False)],
    # The admin site's own pages (the model pages come from the registry, below).
    "admin:index": [Variant("admin")],
    "admin:login": [Variant("admin_login")],
    "admin:logout": [Variant("admin_post")],
    "admin:password_change": [Variant("admin")],
    "admin:password_change_done": [Variant("admin")],
    "admin:autocomplete": [Variant("admin_403")],
    "admin:jsi18n": [Variant("admin", html=False)],
    "admin:view_on_site": [Variant("admin_302", lambda world: _view_on_site(world))],
    "admin/(?P<url>.*)$": [Variant("admin_404", lambda world: {"url": "nichts-hier/"})],
    "admin:auth_user_password_change": [Variant("superuser", pk("accounts.user", "a1", "id"))],
    # Custom admin views (from a ModelAdmin's get_urls): open to whoever may view the model.
    "admin:booking_usage": [
        Variant("admin"),
        Variant("admin", query="maaned=2027-03"),
        Variant("admin", query="maaned=2027-03&format=csv", html=False),
        Variant("admin", query="aar=2027"),
        Variant("admin", query="aar=2027&format=csv", html=False),
    ],
    "admin:innbyggertorg_base_modules": [Variant("admin")],
}


def _view_on_site(world: World) -> dict:
    room = world.at("booking.resource", "a1")
    return {"content_type_id": ContentType.objects.get_for_model(room).pk, "object_id": room.pk}


# --------------------------------------------------------------------------- discovery
@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the URL conf: its name (or its route when unnamed), the patterns
    from the root down to it, and whether it sits under the language prefix."""

    key: str
    pieces: tuple = field(repr=False)
    localised: bool

    @property
    def route(self) -> str:
        return "".join(str(piece) for piece in self.pieces)


def discovered() -> list[Pattern]:
    """Every pattern of the URL conf, walked recursively."""
    found: list[Pattern] = []

    def walk(resolver, pieces, namespaces, localised):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                is_locale = isinstance(entry.pattern, LocalePrefixPattern)
                walk(
                    entry,
                    pieces if is_locale else (*pieces, entry.pattern),
                    (*namespaces, entry.namespace) if entry.namespace else namespaces,
                    localised or is_locale,
                )
            elif isinstance(entry, URLPattern):
                all_pieces = (*pieces, entry.pattern)
                route = "".join(str(piece) for piece in all_pieces)
                key = ":".join((*namespaces, entry.name)) if entry.name else route
                found.append(Pattern(key, all_pieces, localised))

    walk(get_resolver(), (), (), False)
    return found


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()\\]|\\.|\([^()]*\))*\)")


def build_path(pattern: Pattern, kwargs: dict, language: str) -> str:
    """The address of a pattern with its parameters filled in, in a language."""
    parts = []
    for piece in pattern.pieces:
        if isinstance(piece, RoutePattern):
            parts.append(_PARAMETER.sub(lambda m: str(kwargs[m["name"]]), str(piece)))
        elif isinstance(piece, RegexPattern):
            text = _GROUP.sub(lambda m: str(kwargs[m["name"]]), piece._regex)
            parts.append(text.removeprefix("^").removesuffix("$"))
        else:  # pragma: no cover - no other kind of pattern in the URL conf
            raise TypeError(piece)
    prefix = f"/{language}/" if pattern.localised and language != "nb" else "/"
    return prefix + "".join(parts)


# --------------------------------------------------------------------------- the admin
ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change")


def admin_models() -> dict[str, admin.ModelAdmin]:
    return {
        model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()
    }


def admin_pattern_model(key: str) -> tuple[str, str] | None:
    """(model label, view) for a model page of the admin: its five named views and the
    unnamed 'object id' address that redirects to the change page."""
    by_url_prefix = {}
    for label, model_admin in admin_models().items():
        opts = model_admin.model._meta
        for view in ADMIN_VIEWS:
            by_url_prefix[f"admin:{opts.app_label}_{opts.model_name}_{view}"] = (label, view)
        by_url_prefix[f"admin/{opts.app_label}/{opts.model_name}/<path:object_id>/"] = (
            label,
            "object",
        )
    return by_url_prefix.get(key)


def unreachable(patterns: list[Pattern]) -> list[str]:
    """Patterns that neither the site table nor the admin registry can fill."""
    missing = []
    for pattern in patterns:
        if pattern.key in SITE:
            continue
        if pattern.key == "admin:app_list":
            continue
        target = admin_pattern_model(pattern.key)
        if target and target[0] in ADMIN_ACCESS:
            continue
        missing.append(f"{pattern.key}  ({pattern.route})")
    return missing


def admin_apps() -> list[str]:
    return sorted({model._meta.app_label for model in admin.site._registry})


def app_access(app_label: str, role: str) -> bool:
    return any(
        admin_access(label, role)
        for label in ADMIN_ACCESS
        if label.split(".")[0] == app_label and label in admin_models()
    )


def iter_site(patterns: list[Pattern]) -> Iterator[tuple[Pattern, Variant]]:
    for pattern in patterns:
        for variant in SITE.get(pattern.key, ()):
            yield pattern, variant
