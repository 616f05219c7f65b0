"""Every string of the legal pages is translated: Bokmål and Nynorsk have a translation,
English has the entry (its msgid is the English text)."""

from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale"
OURS = (
    "knutepunkt/legal.py",
    "knutepunkt/legal_views.py",
    "knutepunkt/models/legal.py",
    "knutepunkt/forms.py",
    "templates/knutepunkt/legal/",
    "templates/knutepunkt/email/accessibility_feedback",
    "templates/includes/footer.html",
)


def catalogue(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return {message.id: message for message in read_po(handle) if message.id}


def test_legal_strings__are_in_all_three_catalogues_and_translated():
    nb, nn, en = catalogue("nb"), catalogue("nn"), catalogue("en")
    ours = [
        message
        for message in nb.values()
        if any(path.startswith(OURS) for path, _line in message.locations)
    ]
    assert len(ours) > 100  # the pages' own strings, not an empty selection
    for message in ours:
        for name, other in (("nb", nb), ("nn", nn)):
            found = other.get(message.id)
            assert found is not None, (name, message.id)
            strings = found.string if isinstance(found.string, tuple) else (found.string,)
            assert all(strings), (name, message.id)
            assert not found.fuzzy, (name, message.id)
        assert message.id in en, ("en", message.id)
