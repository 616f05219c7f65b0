from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hubportal.core.params import within_calendar

from .enums import Facility, Repeat, ResourceKind
from .models import Resource
from .recurrence import MAX_OCCURRENCES, series_length, series_times


class FindRoomForm(forms.Form):
    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[within_calendar],
    )
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=24 * 60, initial=120)
    people = forms.IntegerField(label=_("People"), min_value=1, required=False)
    facilities = forms.MultipleChoiceField(
        label=_("Needs"),
        choices=Facility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BookingForm(forms.Form):
    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[within_calendar],
    )
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=1, max_value=24 * 60)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    attendees = forms.IntegerField(label=_("Expected attendees"), min_value=1, initial=1)
    add_ons = forms.ModelMultipleChoiceField(
        label=_("Add equipment or a technician"),
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeat = forms.ChoiceField(label=_("Repeat"), choices=Repeat.choices, initial=Repeat.NONE)
    until = forms.DateField(
        label=_("Repeat until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[within_calendar],
    )
    count = forms.IntegerField(
        label=_("Or: number of times"), min_value=1, max_value=104, required=False
    )
    all_or_nothing = forms.BooleanField(
        label=_("Book nothing if one of the times is taken"), required=False, initial=False
    )
    is_public = forms.BooleanField(label=_("Show the booking on the hub's page"), required=False)

    def __init__(self, *args, resource, staff=False, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("On behalf of"),
                queryset=organisations,
                required=False,
                empty_label=_("Myself"),
            )
        if staff:
            self.fields["on_behalf_of"] = forms.EmailField(
                label=_("Book for (email address of the person, optional)"), required=False
            )
            self.fields["displace"] = forms.BooleanField(
                label=_("Block the time: cancel bookings in the way and tell their bookers"),
                required=False,
            )
        self.fields["add_ons"].queryset = Resource.objects.filter(
            hub=resource.hub, kind__in=ResourceKind.add_ons()
        )

    def clean(self):
        data = super().clean()
        if data.get("on_behalf_of"):
            person = get_user_model().objects.filter(email__iexact=data["on_behalf_of"]).first()
            if person is None:
                self.add_error("on_behalf_of", _("Nobody has an account with this email address."))
            data["on_behalf_user"] = person
        if data.get("repeat") not in (None, Repeat.NONE) and not (
            data.get("until") or data.get("count")
        ):
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
