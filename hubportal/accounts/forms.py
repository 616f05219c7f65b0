from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language for messages from the portal"), choices=settings.LANGUAGES
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("We ask for it so that nobody else can delete your account."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # Accounts created through ID-porten have no password: ask for the email instead.
            self.fields["password"] = forms.EmailField(
                label=_("Your email address"), help_text=_("Type it to confirm.")
            )

    def clean_password(self):
        value = self.cleaned_data["password"]
        if self.user.has_usable_password():
            if not self.user.check_password(value):
                raise forms.ValidationError(_("The password is not correct."))
        elif value.strip().lower() != self.user.email.lower():
            raise forms.ValidationError(_("That is not the email address of this account."))
        return value
