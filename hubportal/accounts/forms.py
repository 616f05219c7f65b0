from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hubportal.notifications.enums import ChannelChoice, MessageKind
from hubportal.notifications.phone import MAX_INPUT_LENGTH, normalise_phone


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language for messages from the portal"), choices=settings.LANGUAGES
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=MAX_INPUT_LENGTH,
        required=False,
        help_text=_(
            "Only for the text messages you choose below. A Norwegian number needs no "
            "country code; other numbers start with + and the country code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in MessageKind:
            self.fields[self.channel_field(kind)] = forms.ChoiceField(
                label=kind.label,
                choices=ChannelChoice.choices,
                initial=ChannelChoice.EMAIL,
                required=False,  # not sent: email, as before the person chose
                widget=forms.RadioSelect,
            )

    @staticmethod
    def channel_field(kind: str) -> str:
        return f"channels_{kind}"

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"], mobile=True)

    def clean(self):
        cleaned = super().clean()
        if self.errors.get("phone"):
            return cleaned
        for kind in MessageKind:
            name = self.channel_field(kind)
            if cleaned.get(name) in (ChannelChoice.SMS, ChannelChoice.BOTH) and not cleaned.get(
                "phone"
            ):
                self.add_error(name, _("Add your mobile number above to get text messages."))
        return cleaned

    def message_channels(self) -> dict[str, str]:
        return {
            kind.value: self.cleaned_data[self.channel_field(kind)] or ChannelChoice.EMAIL
            for kind in MessageKind
        }


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
