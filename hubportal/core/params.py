"""Reading what people (and robots) type into addresses and forms: a value that is not what
the page asks for gets a clear answer naming the parameter (a 400 page, or a form error),
never a server error.

Dates are kept to the years a municipal portal has business with: the calendar's ends
(year 1, year 9999) overflow date arithmetic and time-zone conversion long before they
mean anything to a booking, an event or a birth date.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.core.exceptions import BadRequest, ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ParameterError(BadRequest):
    """A query or form parameter that cannot be used; the message names it and is shown.
    ``parameter`` is its name, where the caller knows it (the API's JSON error names it)."""

    def __init__(self, message, parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter


def within_calendar(value) -> None:
    """Form validator: a date (or date and time) between EARLIEST and LATEST."""
    day = value.date() if isinstance(value, datetime) else value
    if day is not None and not (EARLIEST <= day <= LATEST):
        raise ValidationError(
            gettext_lazy("Choose a date between %(earliest)s and %(latest)s."),
            code="out_of_calendar",
            params={
                "earliest": date_format(EARLIEST, "SHORT_DATE_FORMAT"),
                "latest": date_format(LATEST, "SHORT_DATE_FORMAT"),
            },
        )


def date_param(request, name: str, *, default: date, month: bool = False) -> date:
    """The date in query parameter `name` (YYYY-MM-DD, or YYYY-MM for a month), or the
    default when it is missing or empty."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    written = "YYYY-MM" if month else "YYYY-MM-DD"
    try:
        value = date.fromisoformat(f"{raw}-01" if month else raw)
    except ValueError:
        raise ParameterError(
            _("“%(name)s” must be a date written %(format)s.") % {"name": name, "format": written}
        ) from None
    if not (EARLIEST <= value <= LATEST):
        raise ParameterError(
            _("“%(name)s” must be a date between %(earliest)s and %(latest)s.")
            % {"name": name, "earliest": EARLIEST.year, "latest": LATEST.year}
        )
    return value


def year_param(request, name: str) -> int | None:
    """The year in query parameter `name` (YYYY), or None when it is missing or empty."""
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and EARLIEST.year <= int(raw) <= LATEST.year):
        raise ParameterError(
            _("“%(name)s” must be a year between %(earliest)s and %(latest)s.")
            % {"name": name, "earliest": EARLIEST.year, "latest": LATEST.year},
            parameter=name,
        )
    return int(raw)


def id_param(value: str | None, name: str) -> int | None:
    """A primary key from a query or form parameter; None when missing or empty."""
    if value in (None, ""):
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise ParameterError(_("“%(name)s” must be a number.") % {"name": name})
    return int(value)


def slug_param(value: str | None, name: str) -> str | None:
    """An address name (a municipality's slug); None when missing or empty."""
    if value in (None, ""):
        return None
    if len(value) > 100 or not _SLUG.fullmatch(value):
        raise ParameterError(_("“%(name)s” is not a valid name.") % {"name": name})
    return value


def text_param(value: str | None, name: str, *, max_length: int = 200) -> str | None:
    """Free text from a query parameter: no control characters (PostgreSQL refuses NUL)."""
    if value in (None, ""):
        return None
    if len(value) > max_length or _CONTROL.search(value):
        raise ParameterError(
            _("“%(name)s” contains characters we cannot search for.") % {"name": name}
        )
    return value


# The query parameter that chooses a tab of a page with parallel views (includes/tabs.html).
TAB_PARAMETER = "visning"


def tab_param(request, tabs: list[str], *, name: str = TAB_PARAMETER) -> str:
    """The tab chosen in the query (`?visning=tidligere`), the first when none is: a tab the
    page does not have is a 400 that names the parameter and the choices."""
    raw = request.GET.get(name, "")
    if raw == "":
        return tabs[0]
    if raw not in tabs:
        raise ParameterError(
            _("“%(name)s” must be one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(tabs)}
        )
    return raw
