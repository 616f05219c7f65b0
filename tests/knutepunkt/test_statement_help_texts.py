"""Help texts built from two translated parts follow the reader's language (they were once
joined at import time and frozen in Bokmål)."""

import pytest
from django.utils import translation

from knutepunkt.models import AccessibilityStatement, PrivacyStatement


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (AccessibilityStatement, "text"),
        (AccessibilityStatement, "known_deviations"),
        (PrivacyStatement, "addition"),
    ],
)
def test_joined_help_text_is_translated_per_request(model, field):
    help_text = model._meta.get_field(field).help_text
    with translation.override("en"):
        english = str(help_text)
    with translation.override("nb"):
        bokmal = str(help_text)
    assert "Simple HTML" in english
    assert "Enkel HTML" in bokmal
    assert english != bokmal
