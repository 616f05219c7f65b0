"""The cooperations' public pages (which municipalities cooperate, and what they share with
whom: services and where to meet them, rooms), and the coordinating view of a cooperation's
figures for its regional coordinators, with a CSV per figure."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hubportal.core.page_cache import cached_page
from hubportal.core.params import ParameterError, date_param

from . import charts, figures, selectors
from . import permissions as cooperation_permissions
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
        context = {
            "page": selectors.cooperation_page(cooperation=cooperation),
            # Its coordinators find the way to the coordinating view here.
            "may_coordinate": cooperation_permissions.can_view_coordination(
                request.user, cooperation
            ),
        }
        return render(request, "samarbeid/cooperation.html", context), None

    member_ids = tuple(cooperation.memberships.values_list("municipality_id", flat=True))
    # The same copy for every reader without an account; built afresh for one signed in
    # (a coordinator's copy has the link to the coordinating view).
    return cached_page(request, scopes=member_ids, build=build, same_for_everyone=False)


# --------------------------------------------------------------------------- coordination


def _coordinated(request, slug: str) -> Cooperation:
    """The cooperation, for its regional coordinators (and superusers); for anyone else it
    does not exist (404)."""
    cooperation = get_object_or_404(Cooperation, slug=slug)
    if not cooperation_permissions.can_view_coordination(request.user, cooperation):
        raise Http404
    return cooperation


def _period(request) -> figures.Period:
    """?fra=YYYY-MM&til=YYYY-MM: by default the last six months, this one included."""
    this_month = timezone.localdate().replace(day=1)
    default_first = this_month
    for _step in range(5):
        default_first = (default_first - timedelta(days=1)).replace(day=1)
    first = date_param(request, "fra", default=default_first, month=True).replace(day=1)
    last = date_param(request, "til", default=this_month, month=True).replace(day=1)
    if last < first:
        raise ParameterError(_("“til” must be the same month as “fra” or later."), "til")
    period = figures.Period(first, last)
    if len(period.months) > figures.MAX_MONTHS:
        raise ParameterError(
            _("At most %(n)d months at a time: choose a shorter period.")
            % {"n": figures.MAX_MONTHS},
            "til",
        )
    return period


@login_required
@require_GET
def coordination(request, cooperation):
    cooperation = _coordinated(request, cooperation)
    period = _period(request)
    municipalities, hubs = figures.cooperation_places(cooperation)
    labels = [f"{month:%m.%Y}" for month in period.months]
    shown = []
    for figure in figures.FIGURES:
        table = figure.compute(cooperation, period, municipalities, hubs)
        title_id = f"figur-{figure.key}"
        shown.append(
            {
                "figure": figure,
                "table": table,
                "title_id": title_id,
                "chart": charts.chart(
                    title_id=title_id,
                    labels=labels,
                    series=table.series,
                    over_time=table.over_time,
                ),
                "legend": charts.legend(table.series),
            }
        )
    context = {
        "cooperation": cooperation,
        "period": period,
        "query": request.GET.urlencode(),
        "figures": shown,
        "members": municipalities,
    }
    return render(request, "samarbeid/coordination.html", context)


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def figure_csv(request, cooperation, figure):
    """One figure as CSV (semicolon-separated, as Norwegian spreadsheets read it), streamed."""
    cooperation = _coordinated(request, cooperation)
    found = figures.FIGURES_BY_KEY.get(figure)
    if found is None:
        raise Http404
    period = _period(request)
    table = figures.figure_table(cooperation=cooperation, figure=found, period=period)
    writer = csv.writer(_Echo(), delimiter=";")

    def rows():
        yield "\ufeff"  # Excel reads the file as UTF-8
        yield writer.writerow([str(column) for column in table.columns])
        for row in table.rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = f"{cooperation.slug}-{found.key}-{period.first:%Y-%m}-{period.last:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
