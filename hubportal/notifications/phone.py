"""Phone numbers as people type them ("930 12 345", "+47 930 12 345", "0047 93012345"),
checked and stored in E.164 ("+4793012345") with Google's libphonenumber (`phonenumbers`).

Numbers without a country code are read as Norwegian. Only numbers that can receive a text
message are accepted where an SMS is the point (mobile, or a number whose type the library
cannot tell apart from mobile)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "NO"
_TEXTABLE = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
# Longer input is not a phone number; the library would only spend time on it.
MAX_INPUT_LENGTH = 40


def normalise_phone(raw: str, *, mobile: bool = True) -> str:
    """The number in E.164, or ValidationError with a message for the person who typed it."""
    text = (raw or "").strip()
    if not text:
        return ""
    if len(text) > MAX_INPUT_LENGTH or "\x00" in text:
        raise ValidationError(_("Enter a phone number, e.g. 930 12 345."), code="invalid")
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a phone number, e.g. 930 12 345."), code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This is not a valid phone number. Check the digits and the country code."),
            code="invalid",
        )
    if mobile and phonenumbers.number_type(number) not in _TEXTABLE:
        raise ValidationError(
            _("This number cannot receive text messages. Enter a mobile number."),
            code="not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """How the number is shown: "93 01 23 45" for Norwegian numbers, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
