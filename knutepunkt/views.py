"""Citizen pages: server-rendered, enhanced with HTMX, complete without JavaScript."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import translate_url
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hubportal.core.lists import paginated
from hubportal.core.page_cache import cached_page
from hubportal.core.params import tab_param
from hubportal.search.registry import kind_label
from hubportal.search.selectors import search_documents

from . import selectors
from .forms import PostcodeForm, SearchForm
from .models import District, Hub, Municipality
from .sections import load_sections
from .structured_data import SPECIAL_HOURS_DAYS, hub_json_ld


def _language() -> str:
    return (get_language() or "nb")[:2]


@require_GET
def front_page(request):
    def build():
        context = {
            "municipalities": list(selectors.municipalities_for_front_page()),
            "postcode_form": PostcodeForm(),
        }
        return render(request, "knutepunkt/front_page.html", context), None

    return cached_page(request, scopes=(), build=build)


@require_GET
def find_district(request):
    """Postcode -> district(s); or browser location -> nearest hubs."""
    if "lat" in request.GET and "lon" in request.GET:
        try:
            latitude, longitude = float(request.GET["lat"]), float(request.GET["lon"])
        except ValueError:
            latitude = longitude = None
        if latitude is not None and -90 <= latitude <= 90 and -180 <= longitude <= 180:
            hubs = selectors.nearest_hubs(latitude=latitude, longitude=longitude)
            return render(request, "knutepunkt/find_district.html", {"nearest": hubs})
    form = PostcodeForm(request.GET or None)
    districts = []
    if form.is_valid():
        districts = selectors.districts_for_postcode(postcode=form.cleaned_data["postnummer"])
        if len(districts) == 1:
            return redirect(districts[0].get_absolute_url())
    status = 200 if form.is_valid() or not request.GET else 400
    context = {"postcode_form": form, "districts": districts, "searched": form.is_valid()}
    return render(request, "knutepunkt/find_district.html", context, status=status)


def _hours_context(hubs, at, schedule_days=selectors.SCHEDULE_WINDOW_DAYS):
    hours = selectors.hubs_hours(
        hubs=hubs, at=at, language=_language(), schedule_days=schedule_days
    )
    return hours, selectors.earliest_change(hours)


@require_GET
def municipality_page(request, municipality):
    municipality = get_object_or_404(Municipality, slug=municipality)

    def build():
        now = timezone.now()
        hubs = list(
            selectors.hubs_with_places(Hub.objects.filter(municipality=municipality)).order_by(
                "district__name", "name"
            )
        )
        hours, valid_until = _hours_context(hubs, now)
        districts = list(District.objects.filter(municipality=municipality).order_by("name"))
        hubs_by_district = {}
        for hub in hubs:
            hubs_by_district.setdefault(hub.district_id, []).append(hours[hub.pk])
        context = {
            "municipality": municipality,
            "districts": [(d, hubs_by_district.get(d.pk, [])) for d in districts],
            "news": selectors.published_news(municipality=municipality),
            "search_municipality": municipality,
        }
        return render(request, "knutepunkt/municipality.html", context), valid_until

    return cached_page(request, scopes=(municipality.pk,), build=build)


@require_GET
def district_page(request, municipality, district):
    slugs = {"municipality__slug": municipality, "slug": district}

    def build():
        district = get_object_or_404(District.objects.select_related("municipality"), **slugs)
        now = timezone.now()
        hubs = list(selectors.hubs_with_places(district.hubs.all()).order_by("name"))
        hours, valid_until = _hours_context(hubs, now)
        context = {
            "municipality": district.municipality,
            "district": district,
            "hub_hours": [hours[hub.pk] for hub in hubs],
            "sections": load_sections(hubs),
            "news": selectors.published_news(
                municipality=district.municipality, district=district, hubs=hubs
            ),
            "search_municipality": district.municipality,
        }
        return render(request, "knutepunkt/district.html", context), valid_until

    return cached_page(request, scopes=(selectors.municipality_scope(municipality),), build=build)


@require_GET
def hub_page(request, municipality, hub):
    slugs = {"municipality__slug": municipality, "slug": hub}

    def build():
        hub = get_object_or_404(
            selectors.hubs_with_places(Hub.objects.select_related("district__municipality")),
            **slugs,
        )
        # The schedule reaches as far as the JSON-LD's special hours (the same four queries).
        hours, valid_until = _hours_context([hub], timezone.now(), SPECIAL_HOURS_DAYS)
        sections = [loaded for loaded in load_sections([hub]) if loaded["by_hub"].get(hub.pk)]
        # The hub's parallel views as tabs (?visning=): its hours and each section it has
        # (its address and contact stay in sight below them).
        tabs = [
            ("apningstider", _("Opening hours")),
            *((loaded["section"].key, loaded["section"].title) for loaded in sections),
        ]
        context = {
            "municipality": hub.municipality,
            "district": hub.district,
            "hub_hours": [hours[hub.pk]],
            "hub": hub,
            "sections": sections,
            "tabs": tabs,
            "selected": tab_param(request, [key for key, _title in tabs]),
            "news": selectors.published_news(
                municipality=hub.municipality, district=hub.district, hubs=[hub]
            ),
            "search_municipality": hub.municipality,
            "structured_data": hub_json_ld(
                hub=hub,
                schedule=hours[hub.pk].schedule,
                today=hours[hub.pk].today,
                language=_language(),
                sections=sections,
            ),
        }
        return render(request, "knutepunkt/hub.html", context), valid_until

    return cached_page(request, scopes=(selectors.municipality_scope(municipality),), build=build)


def _search_hits(documents, *, language: str) -> list[dict]:
    """Each hit with the place it belongs to (its hub, its municipality), so that hits of the
    same name in two places are told apart; a line that would repeat the one above it (a
    summary that is the title, a hub's name under the hub) is left out, and so is a hit that
    would read exactly like one already listed."""
    names = selectors.place_names(
        municipality_ids=[d.municipality_id for d in documents if d.municipality_id],
        hub_ids=[d.hub_id for d in documents if d.hub_id],
    )
    hits, seen = [], set()
    for document in documents:
        places = []
        hub_name = names.hubs.get(document.hub_id)
        if hub_name and hub_name != document.title:
            places.append(hub_name)
        municipality_name = names.municipalities.get(document.municipality_id)
        if municipality_name:
            places.append(_("%(name)s municipality") % {"name": municipality_name})
        where = " · ".join(places)
        summary = document.summary.strip()
        if summary in (document.title, where):
            summary = ""
        kind = kind_label(document.kind)
        reads_as = (document.title, str(kind), where, summary)
        if reads_as in seen:
            continue
        seen.add(reads_as)
        url = document.url if language == "nb" else translate_url(document.url, language)
        hits.append(
            {"document": document, "kind": kind, "url": url, "where": where, "summary": summary}
        )
    return hits


# The best matches a search lists, a page at a time; past them, a word more helps more than
# a page more (the page says so).
SEARCH_RESULTS_LIMIT = 200
SEARCH_RESULTS_PER_PAGE = 20


@require_GET
def search(request, municipality=None):
    municipality = get_object_or_404(Municipality, slug=municipality) if municipality else None

    def build():
        form = SearchForm(request.GET)
        query = form.cleaned_data["q"] if form.is_valid() else ""
        results = search_documents(
            query=query,
            municipality_id=municipality.pk if municipality else None,
            limit=SEARCH_RESULTS_LIMIT,
        )
        # Told apart and without repeats over the whole list, then a page of it.
        page = paginated(
            request,
            _search_hits(results.documents, language=_language()),
            per_page=SEARCH_RESULTS_PER_PAGE,
        )
        context = {
            "query": results.query,
            "truncated": results.truncated,
            "more": results.more,
            "limit": results.limit,
            "hits": page.object_list,
            "page": page,
            "searched": bool(results.query),
            "search_municipality": municipality,
            "municipality": municipality,
        }
        template = "knutepunkt/_search_results.html" if request.htmx else "knutepunkt/search.html"
        return render(request, template, context), None

    # Any change of content anywhere bumps the installation-wide version the cache key
    # includes, so cached results are never stale.
    return cached_page(request, scopes=(), build=build)
