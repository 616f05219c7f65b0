"""The booking form and the free-room search.

Dates and times are text fields in the Norwegian way of writing them (17.03.2027, 18:00),
whatever the browser's language: a date input's display follows the browser's locale (an
English browser shows 03/17/2027), and its picker is hard to use with a screen reader and
a keyboard. Each field says how to write it in a hint tied to it (``aria-describedby``);
ISO dates (2027-03-17) are accepted too, as links and bookmarks carry them. Lengths are
chosen from a list ("1 hour 30 minutes, until 19:30"), never typed as minutes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hubportal.core.forms import error_links
from hubportal.core.params import within_calendar
from knutepunkt.opening_hours import OSLO, localise

from .enums import Facility, Repeat, ResourceKind
from .models import Resource
from .recurrence import MAX_OCCURRENCES, series_length, series_times

NORWEGIAN_DATE = "%d.%m.%Y"
NORWEGIAN_TIME = "%H:%M"
DATE_INPUT_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d")
TIME_INPUT_FORMATS = ("%H:%M", "%H.%M")
MOST_LENGTHS = 48  # a longer list of lengths is thinned to every second, third, … step
FIND_ROOM_LENGTHS = (30, 60, 90, 120, 150, 180, 240, 300, 360, 480)


class NorwegianDateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("help_text", _("Day.month.year, for example 17.03.2027."))
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format=NORWEGIAN_DATE,
                attrs={
                    "class": "ds-input",
                    "autocomplete": "off",
                    "size": 10,
                    "spellcheck": "false",
                },
            ),
        )
        kwargs.setdefault("validators", [within_calendar])
        super().__init__(**kwargs)


class NorwegianTimeField(forms.TimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", TIME_INPUT_FORMATS)
        kwargs.setdefault("help_text", _("Hours and minutes, for example 18:00."))
        kwargs.setdefault(
            "widget",
            forms.TimeInput(
                format=NORWEGIAN_TIME,
                attrs={
                    "class": "ds-input",
                    "autocomplete": "off",
                    "size": 5,
                    "spellcheck": "false",
                },
            ),
        )
        super().__init__(**kwargs)


def length_label(minutes: int) -> str:
    """'1 hour 30 minutes' in the reader's language."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


def resource_lengths(resource: Resource) -> list[int]:
    """The lengths a booking of the resource may have, shortest first, at most
    MOST_LENGTHS of them (the longest is always offered)."""
    step = resource.granularity_minutes
    while (resource.max_minutes - resource.min_minutes) // step >= MOST_LENGTHS:
        step += resource.granularity_minutes
    lengths = list(range(resource.min_minutes, resource.max_minutes + 1, step))
    if lengths[-1] != resource.max_minutes:
        lengths.append(resource.max_minutes)
    return lengths


def _length_choices(lengths, day: date | None, start: time | None) -> list[tuple[int, str]]:
    choices = []
    for minutes in lengths:
        label = length_label(minutes)
        if day is not None and start is not None:
            ends = (localise(day, start) + timedelta(minutes=minutes)).astimezone(OSLO)
            label = _("%(length)s, until %(end)s") % {
                "length": label,
                "end": ends.strftime(NORWEGIAN_TIME),
            }
        choices.append((minutes, label))
    return choices


def _parsed(value, formats, kind):
    """A date or time from what the form was given (bound data or initial), or None."""
    if isinstance(value, kind):
        return value
    if not isinstance(value, str):
        return None
    for written in formats:
        try:
            parsed = datetime.strptime(value.strip(), written)  # noqa: DTZ007 - a wall time
        except ValueError:
            continue
        return parsed.date() if kind is date else parsed.time()
    return None


class LengthField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, **kwargs)
        self.widget.attrs.setdefault("class", "ds-input")


class ErrorSummaryMixin:
    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary: each links to its field's first input."""
        return error_links(self)


class FindRoomForm(ErrorSummaryMixin, forms.Form):
    day = NorwegianDateField(label=_("Date"))
    start = NorwegianTimeField(label=_("From"))
    minutes = LengthField(
        label=_("Length"), choices=[(m, length_label(m)) for m in FIND_ROOM_LENGTHS], initial=120
    )
    people = forms.IntegerField(
        label=_("People"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"class": "ds-input", "inputmode": "numeric"}),
    )
    facilities = forms.MultipleChoiceField(
        label=_("Needs"),
        choices=Facility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices are built when the form is, so their words follow the reader's language.
        self.fields["minutes"].choices = [(m, length_label(m)) for m in FIND_ROOM_LENGTHS]


class BookingForm(ErrorSummaryMixin, forms.Form):
    """Fields in the groups the template shows as fieldsets (see ``GROUPS``)."""

    day = NorwegianDateField(label=_("Date"))
    start = NorwegianTimeField(label=_("From"))
    minutes = LengthField(label=_("Length"))
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=Repeat.choices,
        initial=Repeat.NONE,
        widget=forms.RadioSelect(attrs={"class": "ds-input"}),
    )
    until = NorwegianDateField(
        label=_("Repeat until"),
        required=False,
        help_text=_("The last date, written day.month.year, for example 16.06.2027."),
    )
    count = forms.IntegerField(
        label=_("Or: number of times"),
        min_value=1,
        max_value=MAX_OCCURRENCES,
        required=False,
        widget=forms.NumberInput(attrs={"class": "ds-input", "inputmode": "numeric"}),
    )
    all_or_nothing = forms.BooleanField(
        label=_("Book nothing if one of the times is taken"),
        required=False,
        initial=False,
        widget=forms.CheckboxInput(attrs={"class": "ds-input"}),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("What the room is for, e.g. Chess club. Shown to the hub's staff."),
        widget=forms.TextInput(attrs={"class": "ds-input"}),
    )
    attendees = forms.IntegerField(
        label=_("Expected attendees"),
        min_value=1,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "ds-input", "inputmode": "numeric"}),
    )
    add_ons = forms.ModelMultipleChoiceField(
        label=_("Add equipment or a technician"),
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
    )
    is_public = forms.BooleanField(
        label=_("Show the booking on the hub's page"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "ds-input"}),
    )

    # The fieldsets of the template: (legend, fields); fields missing from a form are left out.
    GROUPS = (
        (_("When"), ("day", "start", "minutes")),
        (_("Once or repeated"), ("repeat", "until", "count", "all_or_nothing")),
        (_("About the booking"), ("purpose", "attendees", "organisation", "add_ons", "is_public")),
        (_("As hub staff"), ("on_behalf_of", "displace")),
    )
    SERIES_FIELDS = ("until", "count", "all_or_nothing")

    def __init__(self, *args, resource, staff=False, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("On behalf of"),
                queryset=organisations,
                required=False,
                empty_label=_("Myself"),
                widget=forms.Select(attrs={"class": "ds-input"}),
            )
        if staff:
            self.fields["on_behalf_of"] = forms.EmailField(
                label=_("Book for (email address of the person, optional)"),
                required=False,
                widget=forms.EmailInput(attrs={"class": "ds-input", "autocomplete": "off"}),
            )
            self.fields["displace"] = forms.BooleanField(
                label=_("Block the time: cancel bookings in the way and tell their bookers"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "ds-input"}),
            )
        self.fields["add_ons"].queryset = Resource.objects.filter(
            hub=resource.hub, kind__in=ResourceKind.add_ons()
        )
        self.fields["repeat"].choices = Repeat.choices  # in the reader's language
        self.fields["count"].help_text = _("At most %(n)d times.") % {"n": MAX_OCCURRENCES}
        self.fields["minutes"].choices = _length_choices(
            resource_lengths(resource), *self._day_and_start()
        )
        if not self.fields["add_ons"].queryset.exists():
            del self.fields["add_ons"]

    def _day_and_start(self) -> tuple[date | None, time | None]:
        source = self.data if self.is_bound else self.initial
        day = _parsed(source.get("day"), DATE_INPUT_FORMATS, date)
        start = _parsed(source.get("start"), TIME_INPUT_FORMATS, time)
        try:
            if day is not None and start is not None and within_calendar(day) is None:
                return day, start
        except forms.ValidationError:
            pass
        return None, None

    def groups(self):
        """(legend, bound fields) for each fieldset that has fields in this form."""
        result = []
        for legend, names in self.GROUPS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                result.append((legend, fields))
        return result

    @property
    def repeats(self) -> bool:
        """Whether the series fields apply (shown open without CSS support or with errors)."""
        value = self.data.get("repeat") if self.is_bound else self.initial.get("repeat")
        return value not in (None, "", Repeat.NONE)

    def clean(self):
        data = super().clean()
        if data.get("on_behalf_of"):
            person = get_user_model().objects.filter(email__iexact=data["on_behalf_of"]).first()
            if person is None:
                self.add_error("on_behalf_of", _("Nobody has an account with this email address."))
            data["on_behalf_user"] = person
        if data.get("repeat") in (None, Repeat.NONE):
            # Series fields left filled in while "once" is chosen mean nothing.
            data["until"], data["count"], data["all_or_nothing"] = None, None, False
            return data
        if not (data.get("until") or data.get("count")):
            self.add_error("until", _("Say until when the booking repeats, or how many times."))
        if data.get("until") and data.get("day") and data["until"] < data["day"]:
            self.add_error("until", _("The last date is before the first."))
        elif data.get("until") and data.get("day") and data.get("repeat"):
            length = series_length(
                first_day=data["day"], repeat=data["repeat"], until=data["until"]
            )
            if length > MAX_OCCURRENCES:
                # Said, not cut short silently: the person chooses what to book.
                self.add_error(
                    "until",
                    _(
                        "A series can have at most %(most)d times; until this date it would "
                        "have %(n)d. Choose an earlier last date, or book the rest later."
                    )
                    % {"most": MAX_OCCURRENCES, "n": length},
                )
        return data

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["minutes"])

    def times(self):
        data = self.cleaned_data
        return series_times(
            first_day=data["day"],
            start_time=data["start"],
            duration=self.duration,
            repeat=data["repeat"],
            until=data.get("until"),
            count=data.get("count"),
        )
