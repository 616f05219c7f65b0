from django import forms
from django.contrib.postgres.forms import SimpleArrayField
from django.utils.translation import gettext_lazy as _

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
        fields = ["birth_date", "skills", "languages", "availability", "consent_to_contact"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}
