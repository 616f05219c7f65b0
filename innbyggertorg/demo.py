"""Demo service catalogue and rotating service hours (DEMO DATA). Idempotent."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from hubportal.core.demo import DemoReport, demo_loader
from knutepunkt.models import Hub, Municipality

from .enums import AttendanceMode, OfferLevel, Recurrence, ServiceCategory
from .models import Event, ServiceOffer, ServiceSchedule, ServiceType

CATALOGUE = [  # slug, name, category, base module, keywords, description
    (
        "innbyggerservice",
        "Innbyggerservice",
        ServiceCategory.CITIZEN_SERVICE_DESK,
        True,
        "servicetorg skjema veiledning klage",
        "Veiledning, hjelp med skjemaer og digitale tjenester, klager og spørsmål om plan og bygg.",
    ),
    (
        "bibliotek",
        "Bibliotek",
        ServiceCategory.LIBRARY,
        True,
        "bøker lån lese",
        "Lån bøker, lydbøker og filmer, og bruk biblioteket som møtested.",
    ),
    (
        "frivilligsentral",
        "Frivilligsentralen",
        ServiceCategory.VOLUNTEER_CENTRE,
        False,
        "frivillig dugnad",
        "Bli frivillig, eller få hjelp fra frivillige.",
    ),
    (
        "bostotte-startlan",
        "Bostøtte og startlån",
        ServiceCategory.OTHER,
        False,
        "bostøtte startlån husleie boliglån bolig",
        "Rådgivning om bostøtte fra Husbanken og startlån fra kommunen.",
    ),
    (
        "helsestasjon-temakveld",
        "Helsesykepleier: temakveld",
        ServiceCategory.HEALTH,
        False,
        "helsestasjon foreldre småbarn",
        "Temakvelder for foreldre med helsesykepleier. Åpent hus.",
    ),
    (
        "nav-jobbsokerkurs",
        "NAV jobbsøkerkurs",
        ServiceCategory.NAV,
        False,
        "jobb cv arbeid søknad",
        "Kurs i å skrive CV og søknad, med veileder fra NAV.",
    ),
]


@demo_loader
def load_services(report: DemoReport) -> None:
    today = timezone.localdate()
    end = today + timedelta(days=365)
    for municipality in Municipality.objects.filter(slug__in=["asker", "drammen"]):
        services = {}
        for slug, name, category, base, keywords, description in CATALOGUE:
            services[slug], _ = ServiceType.objects.update_or_create(
                municipality=municipality,
                slug=slug,
                defaults={
                    "name": name,
                    "category": category,
                    "is_base_module": base,
                    "keywords": keywords,
                    "description": description,
                    "phone": "+47 22 00 00 00",
                    "chat_url": "https://example.org/chat",
                    "video_url": "https://example.org/videomote",
                },
            )
        hubs = list(Hub.objects.filter(municipality=municipality).order_by("name"))
        for index, hub in enumerate(hubs):
            desk_level = OfferLevel.STAFFED if index % 3 == 0 else OfferLevel.DIGITAL_WITH_HELP
            ServiceOffer.objects.get_or_create(
                hub=hub, service_type=services["innbyggerservice"], defaults={"level": desk_level}
            )
            if index % 4 != 3:  # some hubs lack the library: the base-module view shows it
                level = [
                    OfferLevel.FULL_LIBRARY,
                    OfferLevel.LIBRARY_DEPARTMENT,
                    OfferLevel.BOOK_OFFER,
                ][index % 3]
                ServiceOffer.objects.get_or_create(
                    hub=hub, service_type=services["bibliotek"], defaults={"level": level}
                )
            for slug, recurrence, weekday, week, hours, mode in [
                (
                    "bostotte-startlan",
                    Recurrence.MONTHLY_WEEKDAY,
                    1,
                    1,
                    (time(12), time(15)),
                    AttendanceMode.DROP_IN,
                ),
                (
                    "nav-jobbsokerkurs",
                    Recurrence.EVERY_OTHER_WEEK,
                    2,
                    None,
                    (time(10), time(12)),
                    AttendanceMode.BY_APPOINTMENT,
                ),
                (
                    "helsestasjon-temakveld",
                    Recurrence.WEEKLY,
                    3,
                    None,
                    (time(18), time(20)),
                    AttendanceMode.DROP_IN,
                ),
            ]:
                ServiceSchedule.objects.get_or_create(
                    service_type=services[slug],
                    hub=hub,
                    recurrence=recurrence,
                    defaults={
                        "weekday": (weekday + index) % 5,
                        "week_of_month": week,
                        "start_date": date(today.year, today.month, 1),
                        "end_date": end,
                        "opens": hours[0],
                        "closes": hours[1],
                        "mode": mode,
                        "booking_url": "https://example.org/time"
                        if mode == AttendanceMode.BY_APPOINTMENT
                        else "",
                    },
                )


# title, category, audience, days ahead, start hour, hours, capacity, registration, languages
EVENTS = [
    ("Språkkafé", "language_cafe", "all", 2, 18, 2, None, "none", ["norsk", "engelsk", "ukrainsk"]),
    ("Forfatterbesøk: lokalhistorie", "author_visit", "adults", 9, 19, 2, 30, "portal", ["norsk"]),
    ("Digital hjelp for seniorer", "course", "seniors", 5, 11, 2, 8, "portal", ["norsk"]),
    (
        "Kulturskolen: åpen gitartime",
        "culture_school",
        "children",
        12,
        17,
        1,
        12,
        "portal",
        ["norsk"],
    ),
]


@demo_loader
def load_events(report: DemoReport) -> None:
    now = timezone.localtime()
    for hub in Hub.objects.filter(municipality__slug__in=["asker", "drammen"]):
        for (
            title,
            category,
            audience,
            days,
            hour,
            hours,
            capacity,
            registration,
            languages,
        ) in EVENTS:
            starts = (now + timedelta(days=days)).replace(
                hour=hour, minute=0, second=0, microsecond=0
            )
            Event.objects.get_or_create(
                hub=hub,
                title=title,
                defaults={
                    "category": category,
                    "audience": audience,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=hours),
                    "capacity": capacity,
                    "registration": registration,
                    "languages": languages,
                    "description": f"{title} på {hub.name}. (Demodata)",
                    "accessibility_notes": "Trinnfri adkomst. Teleslynge i salen.",
                },
            )
