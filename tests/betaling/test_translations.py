"""Every string of prices and payment is translated: Bokmål and Nynorsk have a translation,
English has the entry."""

from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale"
OURS = ("betaling/", "templates/betaling/", "templates/booking/_price", "booking/charges.py")


def catalogue(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as handle:
        return {message.id: message for message in read_po(handle) if message.id}


def test_payment_strings__are_in_all_three_catalogues_and_translated():
    nb, nn, en = catalogue("nb"), catalogue("nn"), catalogue("en")
    ours = [
        message
        for message in nb.values()
        if any(path.startswith(OURS) for path, _line in message.locations)
    ]
    assert len(ours) > 40
    for message in ours:
        for name, other in (("nb", nb), ("nn", nn), ("en", en)):
            found = other.get(message.id)
            assert found is not None, (name, message.id)
            assert found.string and not found.fuzzy, (name, message.id)
