from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from hubportal.core.params import within_calendar
from knutepunkt.models import District

from .enums import Audience, EventCategory


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    group_size = forms.IntegerField(label=_("How many people"), min_value=1, initial=1)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group_size"].max_value = event.max_group_size
        self.fields["group_size"].validators.append(MaxValueValidator(event.max_group_size))
        self.fields["group_size"].widget.attrs.update({"min": 1, "max": event.max_group_size})


class EventFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[within_calendar],
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[within_calendar],
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False, empty_label=_("All")
    )
    audience = forms.ChoiceField(
        label=_("For"), choices=[("", _("Everyone")), *list(Audience.choices)[1:]], required=False
    )
    category = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *list(EventCategory.choices)], required=False
    )
    free = forms.BooleanField(label=_("Only with free places"), required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            municipality=municipality
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return data
