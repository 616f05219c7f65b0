"""Demo municipalities, districts and hubs (DEMO DATA: addresses, postcodes and hours are
plausible, not official). Idempotent: places are keyed on slugs and numbers; a hub's hours
are replaced only when they differ from the demo's (as they do in a new year)."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from hubportal.core.demo import DemoReport, demo_loader, ensure_demo_user

from . import services
from .enums import ExceptionKind, SpanState, StaffRole
from .models import (
    AccessibilityStatement,
    District,
    Hub,
    Municipality,
    NewsItem,
    PrivacyStatement,
)
from .opening_hours import localise

# name, slug, postcodes, street address, postcode, post town, latitude, longitude
ASKER = [
    (
        "Asker sentrum",
        "asker-sentrum",
        ["1383", "1384", "1385"],
        "Torvveien 10",
        "1384",
        "Asker",
        59.8331,
        10.4350,
    ),
    ("Holmen", "holmen", ["1394", "1396"], "Slemdalsveien 2", "1394", "Nesbru", 59.8539, 10.4967),
    ("Heggedal", "heggedal", ["1389"], "Heggedalsveien 121", "1389", "Heggedal", 59.7834, 10.4456),
    (
        "Slemmestad",
        "slemmestad",
        ["3470", "1389"],
        "Slemmestadveien 498",
        "3470",
        "Slemmestad",
        59.7807,
        10.4941,
    ),
    (
        "Spikkestad",
        "spikkestad",
        ["3430"],
        "Spikkestadveien 90",
        "3430",
        "Spikkestad",
        59.7455,
        10.3416,
    ),
    ("Sætre", "saetre", ["3475"], "Storgata 30", "3475", "Sætre", 59.6820, 10.5240),
    ("Tofte", "tofte", ["3482"], "Toftebakken 2", "3482", "Tofte", 59.5440, 10.5630),
]
DRAMMEN = [
    (
        "Bragernes",
        "bragernes",
        ["3017", "3018", "3019"],
        "Bragernes torg 2",
        "3017",
        59.7440,
        10.2045,
    ),
    ("Strømsø", "stromso", ["3040", "3041", "3044"], "Strømsø torg 1", "3044", 59.7395, 10.2110),
    ("Konnerud", "konnerud", ["3031", "3032"], "Konnerudsenteret 4", "3032", 59.7250, 10.1550),
    ("Fjell", "fjell", ["3024", "3025"], "Fjellsenteret 1", "3024", 59.7330, 10.2370),
    ("Åssiden", "assiden", ["3026", "3027"], "Åssidenveien 30", "3027", 59.7560, 10.1540),
    ("Gulskogen", "gulskogen", ["3045", "3046"], "Gulskogen senter", "3046", 59.7460, 10.1660),
    (
        "Tangen og Åskollen",
        "tangen-askollen",
        ["3036", "3037"],
        "Tangenveien 20",
        "3036",
        59.7310,
        10.2500,
    ),
    ("Mjøndalen", "mjondalen", ["3050", "3051"], "Strømsøgata 7", "3050", 59.7500, 10.0170),
    ("Svelvik", "svelvik", ["3060"], "Storgata 42", "3060", 59.6120, 10.4060),
    ("Skoger", "skoger", ["3033", "3036"], "Skogerveien 210", "3033", 59.7000, 10.2300),
]
VAERNES = [  # name, number, centre, postcodes, street, postcode, lat, lon
    (
        "Stjørdal",
        "5035",
        "Stjørdal sentrum",
        ["7500", "7501", "7502"],
        "Kjøpmannsgata 9",
        "7500",
        63.4697,
        10.9180,
    ),
    ("Malvik", "5031", "Hommelvik", ["7550", "7551"], "Torggata 5", "7550", 63.4110, 10.7960),
    ("Selbu", "5032", "Mebonden", ["7580"], "Gjelbakken 15", "7580", 63.2200, 11.0370),
    ("Frosta", "5036", "Frosta sentrum", ["7633"], "Frostavegen 1500", "7633", 63.5870, 10.7410),
    ("Meråker", "5034", "Midtbygda", ["7530"], "Ivar Lykkes veg 1", "7530", 63.4150, 11.7470),
    ("Tydal", "5033", "Ås", ["7590"], "Ås 8", "7590", 63.0640, 11.5840),
]
ASKER_DESCRIPTIONS = {
    "heggedal": "Innbyggertorget i Heggedal samler bibliotek, innbyggerservice og frivilligsentral "
    "under ett tak. Her får du hjelp med digitale tjenester, bostøtte og startlån, og du kan "
    "låne rom til møter og aktiviteter.",
}


STAFFED, SELF_SERVICE, BY_APPOINTMENT = (
    SpanState.STAFFED,
    SpanState.SELF_SERVICE,
    SpanState.BY_APPOINTMENT,
)
WEEKDAYS = range(5)

# weekday, opens, closes, state. A staffed hub: staffed daytime with two staffed evenings,
# extended self-service 07–22, short Saturday hours.
STAFFED_HUB = [
    *[(day, time(7), time(10), SELF_SERVICE) for day in WEEKDAYS],
    *[(day, time(10), time(16), STAFFED) for day in WEEKDAYS],
    (0, time(16), time(22), SELF_SERVICE),
    (1, time(16), time(20), STAFFED),  # a staffed evening
    (1, time(20), time(22), SELF_SERVICE),
    (2, time(16), time(22), SELF_SERVICE),
    (3, time(16), time(20), STAFFED),
    (3, time(20), time(22), SELF_SERVICE),
    (4, time(16), time(22), SELF_SERVICE),
    (5, time(10), time(14), STAFFED),
    (5, time(14), time(18), SELF_SERVICE),
    (6, time(12), time(18), SELF_SERVICE),
]
# A hub without a permanent desk: self-service every day, staff on two days by appointment
# or drop-in (digital help, caseworker by video), one evening.
SELF_SERVICE_HUB = [
    *[(day, time(7), time(22), SELF_SERVICE) for day in (0, 2, 4, 5, 6)],
    (1, time(7), time(12), SELF_SERVICE),
    (1, time(12), time(15), BY_APPOINTMENT),
    (1, time(15), time(22), SELF_SERVICE),
    (3, time(7), time(16), SELF_SERVICE),
    (3, time(16), time(20), STAFFED),
    (3, time(20), time(22), SELF_SERVICE),
]
SUMMER = [
    *[(day, time(10), time(15), STAFFED) for day in WEEKDAYS],
    *[(day, time(15), time(21), SELF_SERVICE) for day in range(7)],
    *[(day, time(7), time(10), SELF_SERVICE) for day in range(7)],
]
UNSTAFFED_IN_ASKER = {"spikkestad", "saetre", "tofte"}  # Asker staffs at least three hubs
SMALL_VAERNES = {"Selbu", "Frosta", "Meråker", "Tydal"}
MAIN_OFFICE_CHRISTMAS_EVE = {("asker", "asker-sentrum"), ("stjordal", "sentrum")}


def _municipality(name, slug, number, colour="#0b5394"):
    municipality, _ = Municipality.objects.update_or_create(
        number=number, defaults={"name": name, "slug": slug, "brand_colour": colour}
    )
    return municipality


def _district_and_hub(
    municipality,
    name,
    slug,
    postcodes,
    street,
    postcode,
    town,
    lat,
    lon,
    hub_name=None,
    description="",
    pilot=False,
    weekly=STAFFED_HUB,
):
    district, _ = District.objects.update_or_create(
        municipality=municipality,
        slug=slug,
        defaults={
            "name": name,
            "postcodes": postcodes,
            "description": f"{name} bydel i {municipality.name}. (Demodata)",
        },
    )
    hub, _ = Hub.objects.update_or_create(
        municipality=municipality,
        slug=slug,
        defaults={
            "district": district,
            "name": hub_name or f"{name} innbyggertorg",
            "street_address": street,
            "postcode": postcode,
            "post_town": town,
            "latitude": lat,
            "longitude": lon,
            "is_pilot": pilot,
            "description": description
            or (
                f"Knutepunktet i {name}: innbyggerservice, bibliotek, kulturarena og "
                "frivillighet. Spør oss om bostøtte, startlån og digital hjelp. (Demodata)"
            ),
            "phone": "+47 22 00 00 00",
            "email": f"{slug}@demo.hubportal.no",
            "coordinator_name": "Lokal koordinator (demo)",
            "coordinator_phone": "+47 22 00 00 01",
            "coordinator_email": f"koordinator.{slug}@demo.hubportal.no",
            "step_free_entrance": True,
            "hearing_loop": slug != "tofte",
            "accessible_toilet": True,
            "parking": "Gratis parkering ved inngangen, to HC-plasser.",
            "public_transport": "Buss stopper 100 meter unna.",
        },
    )
    _sync_hours(hub, *_demo_hours(hub, weekly))
    return district, hub


def _spans(rows):
    return [{"weekday": d, "opens": o, "closes": c, "state": s} for d, o, c, s in rows]


def _demo_hours(hub, weekly):
    """Regular hours this year (summer hours from midsummer), and the Christmas exceptions:
    short hours on the 23rd, dated special hours on the working days between Christmas and
    New Year (the weekend and the holidays stay closed), and for a main office a morning on
    Christmas Eve, a closed eve opened by special hours."""
    year = timezone.localdate().year
    periods = [
        ("Ordinære åpningstider", date(year - 1, 8, 10), date(year, 6, 21), weekly),
        ("Sommertid", date(year, 6, 22), date(year, 8, 9), SUMMER),
        ("Ordinære åpningstider", date(year, 8, 10), None, weekly),
    ]
    between = [date(year, 12, 27) + timedelta(days=n) for n in range(4)]
    exceptions = [
        (
            date(year, 12, 23),
            date(year, 12, 23),
            "Lille julaften: kortere åpningstid",
            [{"opens": time(10), "closes": time(13)}],
        ),
        (
            date(year, 12, 27),
            date(year, 12, 30),
            "Romjul: redusert åpningstid",
            [
                {"day": day, "opens": time(10), "closes": time(14)}
                for day in between
                if day.weekday() < 5
            ],
        ),
    ]
    if (hub.municipality.slug, hub.slug) in MAIN_OFFICE_CHRISTMAS_EVE:
        exceptions.append(
            (
                date(year, 12, 24),
                date(year, 12, 24),
                "Julaften: åpent for akutte henvendelser",
                [{"opens": time(9), "closes": time(12)}],
            )
        )
    return periods, exceptions


def _hours_as_stored(hub):
    periods = [
        (
            period.name,
            period.valid_from,
            period.valid_until,
            sorted((s.weekday, s.opens, s.closes, s.state) for s in period.spans.all()),
        )
        for period in hub.hour_periods.prefetch_related("spans").order_by("valid_from")
    ]
    exceptions = [
        (
            exception.start_date,
            exception.end_date,
            exception.reason,
            sorted((s.day or date.min, s.opens, s.closes) for s in exception.spans.all()),
        )
        for exception in hub.hour_exceptions.prefetch_related("spans").order_by("start_date")
    ]
    return periods, exceptions


def _sync_hours(hub, periods, exceptions) -> None:
    wanted = (
        [(name, start, end, sorted(rows)) for name, start, end, rows in periods],
        sorted(
            (
                start,
                end,
                reason,
                sorted((s.get("day") or date.min, s["opens"], s["closes"]) for s in spans),
            )
            for start, end, reason, spans in exceptions
        ),
    )
    if _hours_as_stored(hub) == wanted:
        return
    hub.hour_periods.all().delete()
    hub.hour_exceptions.all().delete()
    for name, start, end, rows in periods:
        services.opening_hours_period_create(
            hub=hub, name=name, valid_from=start, valid_until=end, spans=_spans(rows)
        )
    for start, end, reason, spans in exceptions:
        services.opening_hours_exception_create(
            hub=hub,
            start_date=start,
            end_date=end,
            reason=reason,
            kind=ExceptionKind.SPECIAL_HOURS,
            spans=spans,
        )


def _news(title, body, *, municipality=None, district=None, hub=None) -> None:
    owner = hub.municipality if hub else district.municipality if district else municipality
    if NewsItem.objects.filter(municipality=owner, title=title).exists():
        return
    today = timezone.localdate()
    services.news_item_create(
        title=title,
        body=f"{body} (Demodata)",
        publish_from=localise(today, time.min),
        municipality=municipality,
        district=district,
        hub=hub,
    )


def _legal_statements(municipality) -> None:
    """Asker has written its statements; the other municipalities show the default text."""
    statement = AccessibilityStatement.objects.filter(municipality=municipality).first()
    statement = statement or AccessibilityStatement(municipality=municipality)
    statement.text = (
        "Asker kommune har gått gjennom portalen med tastatur, skjermleser og forstørrelse, "
        "i tillegg til de automatiske testene. (Demodata)"
    )
    statement.known_deviations = (
        "Kartlenkene åpner OpenStreetMap, som ikke er fullt tilgjengelig med skjermleser."
    )
    statement.last_reviewed = date(2026, 11, 2)
    statement.feedback_email = "tilgjengelighet@demo.hubportal.no"
    services.accessibility_statement_save(statement=statement)
    privacy = PrivacyStatement.objects.filter(municipality=municipality).first()
    privacy = privacy or PrivacyStatement(municipality=municipality)
    privacy.contact_email = "postmottak@demo.hubportal.no"
    privacy.data_protection_officer = "Personvernombudet i Asker kommune (Demodata)"
    services.privacy_statement_save(statement=privacy)


@demo_loader
def load_places(report: DemoReport) -> None:
    asker = _municipality("Asker", "asker", "3203", "#00593f")
    hubs = {}
    for name, slug, postcodes, street, postcode, town, lat, lon in ASKER:
        _district, hubs[slug] = _district_and_hub(
            asker,
            name,
            slug,
            postcodes,
            street,
            postcode,
            town,
            lat,
            lon,
            hub_name=f"{name} innbyggertorg",
            description=ASKER_DESCRIPTIONS.get(slug, ""),
            weekly=SELF_SERVICE_HUB if slug in UNSTAFFED_IN_ASKER else STAFFED_HUB,
        )
    drammen = _municipality("Drammen", "drammen", "3301", "#8a1c1c")
    for index, (name, slug, postcodes, street, postcode, lat, lon) in enumerate(DRAMMEN):
        _district_and_hub(
            drammen,
            name,
            slug,
            postcodes,
            street,
            postcode,
            "Drammen",
            lat,
            lon,
            hub_name=f"{name} knutepunkt",
            pilot=index == 2,
        )
    vaernes = []
    for name, number, centre, postcodes, street, postcode, lat, lon in VAERNES:
        municipality = _municipality(
            name, name.lower().replace("ø", "o").replace("å", "a"), number, "#1f4e79"
        )
        vaernes.append(municipality)
        _district_and_hub(
            municipality,
            centre,
            "sentrum",
            postcodes,
            street,
            postcode,
            name,
            lat,
            lon,
            hub_name=f"{name} knutepunkt",
            weekly=SELF_SERVICE_HUB if name in SMALL_VAERNES else STAFFED_HUB,
        )

    _news(
        "Ny søknadsfrist for bostøtte",
        "Trenger du hjelp med søknad om bostøtte? "
        "Kom innom innbyggertorget ditt, så hjelper vi deg.",
        municipality=asker,
    )
    _news(
        "Språkkafé hver onsdag",
        "Øv på norsk sammen med frivillige fra frivilligsentralen, onsdager klokken 18.",
        hub=hubs["heggedal"],
    )
    _news(
        "Knutepunktene får utvidet åpningstid",
        "Fra nå kan du bruke knutepunktene med meråpent til klokken 22 på hverdager.",
        municipality=drammen,
    )
    _news(
        "Konnerud er pilot for tverrfaglig ledelse",
        "Knutepunktet på Konnerud prøver ut en felles ledelse for tjenestene i bydelen.",
        district=District.objects.get(municipality=drammen, slug="konnerud"),
    )
    for municipality in vaernes:
        _news(
            "Felles digitale tjenester i Værnesregionen",
            "Kommunene i Værnesregionen deler IKT-plattform: du finner knutepunktet ditt her.",
            municipality=municipality,
        )

    _legal_statements(asker)

    admin = ensure_demo_user(
        report,
        email="admin.asker@demo.hubportal.no",
        role="municipality admin (Asker)",
        full_name="Demo Kommuneadmin Asker",
        is_staff=True,
    )
    services.staff_membership_grant(
        user=admin, role=StaffRole.MUNICIPALITY_ADMIN, municipality=asker
    )
    for slug in ("heggedal", "holmen"):
        staff = ensure_demo_user(
            report,
            email=f"ansatt.{slug}@demo.hubportal.no",
            role=f"hub staff ({hubs[slug].name})",
            full_name=f"Demo Ansatt {hubs[slug].name}",
            is_staff=True,
        )
        services.staff_membership_grant(user=staff, role=StaffRole.HUB_STAFF, hub=hubs[slug])
