"""Long lists: a list that can grow without bound is shown a page at a time (`paginated`,
with includes/pagination.html, Designsystemet's pagination); a list the portal shortens on a
reader's behalf says so (`capped` fetches one row more than it shows, so the page knows,
without counting, that there is more than it lists)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from hubportal.core.params import ParameterError


def capped(rows, limit: int) -> tuple[list, bool]:
    """The first `limit` rows of a queryset (or any sequence), and whether there were more."""
    fetched = list(rows[: limit + 1])
    return fetched[:limit], len(fetched) > limit


# The query parameter of a page of a long list (Norwegian, like the portal's other parameters).
PAGE_PARAMETER = "side"


def paginated(request, rows, *, per_page: int, parameter: str = PAGE_PARAMETER) -> Page:
    """One page of `rows` (a queryset or a sequence) for the page number in the request's
    query (`?side=2`), for includes/pagination.html. No number is the first page, a number
    past the end the last page; one that is not a whole number from 1 up is a 400 that names
    the parameter."""
    raw = request.GET.get(parameter, "")
    number = 1
    if raw != "":
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or len(raw) > 6:
            raise ParameterError(
                _("“%(name)s” must be a page number: a whole number from 1 up.")
                % {"name": parameter}
            )
        number = int(raw)
    page = Paginator(rows, per_page).get_page(number)
    page.parameter = parameter
    return page
