"""Forms of seasonal allocation. A wish is one row of fields with its own prefix (wish1,
wish2, …): a fixed number of rows, so the form works without JavaScript; empty rows are
left out."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.enums import Facility, ResourceKind
from booking.models import Resource
from frivillighet.enums import AgeGroup
from knutepunkt.enums import Weekday
from knutepunkt.models import Hub

from . import services
from .enums import Frequency, Outcome

WISH_ROWS = 4


class ApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    activity_name = forms.CharField(label=_("Activity"), max_length=200)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices)
    participants = forms.IntegerField(
        label=_("Expected participants"), min_value=1, max_value=100_000
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact email"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    consent_to_partial = forms.BooleanField(
        label=_("We accept a partial allocation"),
        help_text=_("A shorter time, another room or every other week, if the wish is taken."),
        required=False,
        initial=True,
    )
    add_ons = forms.ModelMultipleChoiceField(
        label=_("Equipment with every time"),
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations, add_ons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["add_ons"].queryset = add_ons
        if not add_ons.exists():
            del self.fields["add_ons"]


class WishForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=[("", "—"), *Weekday.choices], coerce=int, required=False
    )
    starts_at = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, initial=Frequency.WEEKLY, required=False
    )
    resource = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Resource.objects.none(),
        required=False,
        empty_label=_("Any suitable room at the hub below"),
    )
    hub = forms.ModelChoiceField(
        label=_("Or: any suitable room at"), queryset=Hub.objects.none(), required=False
    )
    facilities = forms.MultipleChoiceField(
        label=_("Facilities needed"),
        choices=Facility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, rooms, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = rooms
        self.fields["hub"].queryset = hubs

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return data.get("weekday") in (None, "") and not data.get("starts_at")

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank():
            return data
        missing = [n for n in ("weekday", "starts_at", "ends_at") if data.get(n) in (None, "")]
        for name in missing:
            self.add_error(name, _("Fill in the weekday, from and until, or leave the row empty."))
        if not data.get("resource") and not data.get("hub"):
            self.add_error(
                "resource", _("Choose a room, or a hub where any suitable room will do.")
            )
        return data

    def wish(self) -> services.WishData:
        data = self.cleaned_data
        return services.WishData(
            weekday=data["weekday"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            frequency=data.get("frequency") or Frequency.WEEKLY,
            resource=data.get("resource"),
            hub=None if data.get("resource") else data.get("hub"),
            facilities=tuple(data.get("facilities") or ()),
        )


def wish_forms(data, *, round, initial=()) -> list[WishForm]:
    rooms = (
        Resource.objects.filter(pk__in=round.round_resources.values("resource_id"))
        .exclude(kind__in=ResourceKind.add_ons())
        .select_related("hub")
    )
    hubs = Hub.objects.filter(pk__in=rooms.values("hub_id"))
    initial = list(initial)
    return [
        WishForm(
            data,
            prefix=f"wish{n}",
            rooms=rooms,
            hubs=hubs,
            initial=initial[n - 1] if n <= len(initial) else None,
        )
        for n in range(1, WISH_ROWS + 1)
    ]


class AllocationForm(forms.Form):
    """Staff set (or move) one allocation by hand."""

    application = forms.ModelChoiceField(label=_("Application"), queryset=None)
    resource = forms.ModelChoiceField(label=_("Room"), queryset=None)
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    parity = forms.TypedChoiceField(
        label=_("Which weeks (every other week)"),
        choices=[
            (0, _("The season's first week, then every other")),
            (1, _("The second week, then every other")),
        ],
        coerce=int,
        initial=0,
    )
    replaces = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, applications, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["resource"].queryset = rooms


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
