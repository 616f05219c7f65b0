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


class _NoNulBytes:
    """Shows what a person typed back to them without NUL bytes (the field says they are
    not allowed; the page itself must not carry them)."""

    def format_value(self, value):
        value = super().format_value(value)
        return value.replace("\x00", "") if isinstance(value, str) else value


class _TextInput(_NoNulBytes, forms.TextInput):
    pass


class _EmailInput(_NoNulBytes, forms.EmailInput):
    pass


class _Textarea(_NoNulBytes, forms.Textarea):
    pass


# Clearer than Django's own wording, for the inputs a hostile or broken client sends.
_TEXT_ERRORS = {
    "max_length": _("Write at most %(limit_value)d characters (this has %(show_value)d)."),
    "null_characters_not_allowed": _(
        "The text contains an invisible control character (NUL) that cannot be sent. Remove "
        "it, e.g. by typing the text again."
    ),
}


class AccessibilityFeedbackForm(forms.Form):
    """A report of an accessibility problem. Nothing of it is stored except the message to
    the municipality in the outbox."""

    page = forms.CharField(
        label=_("Which page or part of the portal?"),
        help_text=_("The address of the page, or what it is called."),
        max_length=500,
        error_messages=_TEXT_ERRORS,
        widget=_TextInput(attrs={"autocomplete": "off"}),
    )
    problem = forms.CharField(
        label=_("What went wrong?"),
        help_text=_(
            "What you tried to do, and what happened. Tell us what you use, if it matters "
            "(e.g. a screen reader or magnification)."
        ),
        max_length=5000,
        error_messages=_TEXT_ERRORS,
        widget=_Textarea(attrs={"rows": 6}),
    )
    email = forms.EmailField(
        label=_("Your email address (optional)"),
        help_text=_("If you want an answer. We use it only to answer you."),
        required=False,
        max_length=254,
        error_messages=_TEXT_ERRORS,
        widget=_EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_page(self):
        return " ".join(self.cleaned_data["page"].split())
