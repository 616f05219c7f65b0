"""Validation of opening hours as staff enter them, with messages a person understands.

A single span is checked by its model's ``clean()``; whether spans clash can only be seen
across all the spans of a period (or of an exception), so an admin formset's ``clean()``
and the services call :func:`validate_spans` with every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from .enums import Weekday
from .opening_hours import DatedSpan, TimeSpan, WeeklySpan, order_problem, span_problems

ORDER_MESSAGE = _(
    "The closing time must be after the opening time, or tick 'closes after midnight'."
)
PAST_MIDNIGHT_MESSAGE = _(
    "A span past midnight must close (the next day) no later than its opening time."
)
OVERLAP_MESSAGE = _("%(span)s overlaps %(other)s.")


def _value(span: Any, name: str, default=None):
    if isinstance(span, Mapping):
        return span.get(name, default)
    return getattr(span, name, default)


def _label(span: Any) -> str:
    opens, closes = _value(span, "opens"), _value(span, "closes")
    hours = f"{opens:%H:%M}–{closes:%H:%M}"
    weekday, day = _value(span, "weekday"), _value(span, "day")
    if weekday is not None:
        return f"{Weekday(weekday).label} {hours}"
    if day is not None:
        return f"{date_format(day, 'SHORT_DATE_FORMAT')} {hours}"
    return hours


def _engine_span(span: Any) -> TimeSpan:
    fields = {
        "opens": _value(span, "opens"),
        "closes": _value(span, "closes"),
        "past_midnight": bool(_value(span, "past_midnight", False)),
    }
    weekday = _value(span, "weekday")
    if weekday is not None:
        return WeeklySpan(weekday=int(weekday), **fields)
    return DatedSpan(day=_value(span, "day"), **fields)


def validate_spans(spans: Iterable[Any]) -> None:
    """Raise a ValidationError listing every problem in a set of spans: a closing time not
    after the opening time (without "past midnight"), and spans that overlap (on the same
    weekday, the same date, or running past midnight into the next day's).

    Spans may be model instances, engine spans or mappings such as a form's cleaned data
    (keys opens, closes, past_midnight, and weekday or day). Rows without both times are
    skipped: the form reports those. Each error carries ``params["index"]``, the position
    of the offending row, so that a formset can attach it to the row."""
    rows: list[tuple[int, Any]] = [
        (index, span)
        for index, span in enumerate(spans)
        if isinstance(_value(span, "opens"), time) and isinstance(_value(span, "closes"), time)
    ]
    errors: list[ValidationError] = []
    well_formed: list[tuple[int, Any]] = []
    for index, span in rows:
        opens, closes = _value(span, "opens"), _value(span, "closes")
        past_midnight = bool(_value(span, "past_midnight", False))
        if order_problem(opens, closes, past_midnight) is None:
            well_formed.append((index, span))
            continue
        message = PAST_MIDNIGHT_MESSAGE if past_midnight else ORDER_MESSAGE
        errors.append(ValidationError(message, code="order", params={"index": index}))
    engine_spans = [_engine_span(span) for _index, span in well_formed]
    for problem in span_problems(engine_spans):
        index, span = well_formed[problem.index]
        other = well_formed[problem.other][1]
        errors.append(
            ValidationError(
                OVERLAP_MESSAGE,
                code="overlap",
                params={"index": index, "span": _label(span), "other": _label(other)},
            )
        )
    if errors:
        errors.sort(key=lambda error: error.params["index"])
        raise ValidationError(errors)


def validate_dates_within(days: Iterable[date | None], start: date, end: date) -> None:
    """Dated special hours must fall within their exception."""
    outside = sorted({day for day in days if day is not None and not start <= day <= end})
    if outside:
        raise ValidationError(
            _("Special hours on %(dates)s lie outside the exception (%(start)s–%(end)s)."),
            code="outside",
            params={
                "dates": ", ".join(f"{day:%d.%m.%Y}" for day in outside),
                "start": f"{start:%d.%m.%Y}",
                "end": f"{end:%d.%m.%Y}",
            },
        )


def validate_organisation_number(value: str) -> None:
    """Nine digits with a valid mod-11 check digit (python-stdnum), as Enhetsregisteret
    gives them."""
    if value and not orgnr.is_valid(value):
        raise ValidationError(
            _("An organisation number has nine digits with a valid check digit, e.g. 974760673.")
        )
