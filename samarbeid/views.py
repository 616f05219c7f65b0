"""The cooperations' public pages: which municipalities cooperate, and what they share
with whom (services and where to meet them, rooms)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from hubportal.core.page_cache import cached_page

from . import selectors
from .models import Cooperation


@require_GET
def cooperations(request):
    def build():
        context = {"cooperations": list(selectors.cooperations_listed())}
        return render(request, "samarbeid/cooperations.html", context), None

    return cached_page(request, scopes=(), build=build)


@require_GET
def cooperation_page(request, cooperation):
    cooperation = get_object_or_404(Cooperation, slug=cooperation)

    def build():
        page = selectors.cooperation_page(cooperation=cooperation)
        return render(request, "samarbeid/cooperation.html", {"page": page}), None

    member_ids = tuple(cooperation.memberships.values_list("municipality_id", flat=True))
    return cached_page(request, scopes=member_ids, build=build)
