"""Every string of seasonal allocation is translated: Bokmål and Nynorsk have a
translation, English has the entry (its msgid is the English text)."""

from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale"
OURS = ("sesong/", "templates/sesong/")


def catalogue(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return {message.id: message for message in read_po(handle) if message.id}


def test_season_strings__are_in_all_three_catalogues_and_translated():
    nb, nn, en = catalogue("nb"), catalogue("nn"), catalogue("en")
    ours = [
        message
        for message in nb.values()
        if any(path.startswith(OURS) for path, _line in message.locations)
    ]
    assert len(ours) > 300
    for message in ours:
        for name, other in (("nb", nb), ("nn", nn)):
            found = other.get(message.id)
            assert found is not None, (name, message.id)
            assert found.string and not found.fuzzy, (name, message.id)
        assert message.id in en, ("en", message.id)
