from django import forms
from django.contrib.postgres.forms import SimpleArrayField
from django.utils.translation import gettext_lazy as _

from hubportal.core.params import within_calendar
from knutepunkt.models import District, Municipality

from .enums import MemberRole, OrganisationKind
from .models import VolunteerProfile


class VolunteerProfileForm(forms.ModelForm):
    skills = SimpleArrayField(
        forms.CharField(max_length=60), label=_("Skills (separated by commas)"), required=False
    )
    languages = SimpleArrayField(
        forms.CharField(max_length=40), label=_("Languages (separated by commas)"), required=False
    )

    class Meta:
        model = VolunteerProfile
        fields = [
            "birth_date",
            "skills",
            "languages",
            "districts",
            "availability",
            "consent_to_contact",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "districts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].validators.append(within_calendar)


class OrganisationRequestForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name")
    )
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    org_number = forms.CharField(label=_("Organisation number"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts served"), queryset=District.objects.order_by("name"), required=False
    )
    description = forms.CharField(label=_("What you do"), widget=forms.Textarea, required=False)
    contact_email = forms.EmailField(label=_("Contact email"))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class ShiftMessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to everyone on the shift"), widget=forms.Textarea, max_length=2000
    )
