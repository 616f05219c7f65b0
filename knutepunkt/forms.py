from django import forms
from django.utils.translation import gettext_lazy as _


class PostcodeForm(forms.Form):
    postnummer = forms.CharField(
        label=_("Your postcode"),
        help_text=_("Four digits, e.g. 1389."),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "postal-code",
                "size": 6,
                "maxlength": 10,
            }
        ),
    )

    def clean_postnummer(self):
        value = self.cleaned_data["postnummer"].strip().replace(" ", "")[:20]
        if not (len(value) == 4 and value.isdigit()):
            raise forms.ValidationError(_("A postcode has four digits, e.g. 1389."))
        return value


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=2000, required=False)
