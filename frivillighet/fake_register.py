"""A local stand-in for Brønnøysund's open Enhetsregisteret API, speaking real HTTP: the tests
start it, and `make run` starts it unless HUBPORTAL_ENHETSREGISTERET_URL points elsewhere
(so no network is needed). It answers ``GET /enhetsregisteret/api/enheter/{orgnr}`` as the
register does: 200 with the unit, 404 for a number it does not know, 410 Gone for a deleted
unit (with its ``slettedato``), 400 for a number that is not nine digits. The data is demo
data in the register's shape (navn, organisasjonsform, forretningsadresse,
registrertIFrivillighetsregisteret, konkurs, underAvvikling, slettedato…), not real entries.

It imports no Django: ``python -m frivillighet.fake_register --port 8020``.
"""

from __future__ import annotations

import argparse
import re
import time

from hubportal.core.loopback import LoopbackServer

PATH = re.compile(r"^/enhetsregisteret/api/enheter/(?P<number>[^/?]*)$")


def unit(
    number: str,
    name: str,
    *,
    form: tuple[str, str] = ("FLI", "Forening/lag/innretning"),
    street: str = "Storgata 1",
    postcode: str = "1384",
    city: str = "ASKER",
    municipality: tuple[str, str] = ("3203", "ASKER"),
    voluntary: bool = True,
    bankrupt: bool = False,
    winding_up: bool = False,
) -> dict:
    return {
        "organisasjonsnummer": number,
        "navn": name,
        "organisasjonsform": {"kode": form[0], "beskrivelse": form[1]},
        "forretningsadresse": {
            "land": "Norge",
            "landkode": "NO",
            "postnummer": postcode,
            "poststed": city,
            "adresse": [street],
            "kommune": municipality[1],
            "kommunenummer": municipality[0],
        },
        "registreringsdatoEnhetsregisteret": "2001-03-14",
        "registrertIMvaregisteret": False,
        "registrertIFrivillighetsregisteret": voluntary,
        "registrertIForetaksregisteret": False,
        "registrertIStiftelsesregisteret": False,
        "konkurs": bankrupt,
        "underAvvikling": winding_up,
        "underTvangsavviklingEllerTvangsopplosning": False,
        "maalform": "Bokmål",
    }


# Demo entries: the demo data's organisations, one to register, and one for each flag.
# Numbers have valid check digits (python-stdnum's mod-11); 918901248 is valid and unknown.
# fmt: off
UNITS: dict[str, dict] = {
    entry["organisasjonsnummer"]: entry
    for entry in (
        unit("974760673", "HEGGEDAL SJAKKLUBB (DEMO)", street="Heggedalsbakken 2",
             postcode="1389", city="HEGGEDAL"),
        unit("971524960", "ASKER FRIVILLIGSENTRAL (DEMO)", street="Kirkeveien 3"),
        unit("983887457", "HEGGEDAL IDRETTSLAG (DEMO)", street="Idrettsveien 5",
             postcode="1389", city="HEGGEDAL"),
        unit("923456783", "HOLMEN SANGKOR (DEMO)", street="Holmensvingen 4",
             postcode="1394", city="NESBRU"),
        unit("912345688", "SLEMMESTAD KAFÉ AS (DEMO)", form=("AS", "Aksjeselskap"),
             postcode="3470", city="SLEMMESTAD", voluntary=False),
        unit("915678904", "KONKURSRAMMET KULTURLAG (DEMO)", bankrupt=True, voluntary=False),
        unit("916789017", "AVVIKLENDE VELFORENING (DEMO)", winding_up=True),
    )
}
# fmt: on
# Deleted units: the register answers 410 Gone with the date.
DELETED: dict[str, str] = {"917890129": "2024-05-31"}


class FakeEnhetsregisteret(LoopbackServer):
    def __init__(self, port: int = 0) -> None:
        self.units = {number: dict(entry) for number, entry in UNITS.items()}
        self.deleted = dict(DELETED)
        self.behaviour = "working"  # or "500", "garbage", "hang"
        self.hang_seconds = 10.0
        self.requests: list[str] = []
        super().__init__(port)

    @property
    def url(self) -> str:
        """The API's base, as HUBPORTAL_ENHETSREGISTERET_URL takes it."""
        return f"{super().url}/enhetsregisteret/api"

    def answer(self, handler, method: str) -> None:
        path = handler.path.split("?", 1)[0]
        self.requests.append(path)
        if self.behaviour == "hang":
            time.sleep(self.hang_seconds)
            return
        if self.behaviour == "500":
            self.send_json(handler, 500, {"error": "Internal Server Error"})
            return
        if self.behaviour == "garbage":
            self.send_raw(handler, 200, b"<html>maintenance</html>", "text/html")
            return
        match = PATH.match(path)
        if match is None:
            self.send_json(handler, 404, {"error": "Not Found", "path": path})
            return
        number = match["number"]
        if not re.fullmatch(r"\d{9}", number):
            self.send_json(
                handler,
                400,
                {"feilmelding": "Ugyldig organisasjonsnummer", "valideringsfeil": [number]},
            )
        elif number in self.deleted:
            self.send_json(
                handler,
                410,
                {"organisasjonsnummer": number, "slettedato": self.deleted[number]},
            )
        elif number in self.units:
            self.send_json(handler, 200, self.units[number])
        else:
            self.send_json(handler, 404, {"feilmelding": "Enhet ikke funnet", "path": path})


def main() -> None:
    parser = argparse.ArgumentParser(description="A local stand-in for Enhetsregisteret")
    parser.add_argument("--port", type=int, default=8020)
    arguments = parser.parse_args()
    register = FakeEnhetsregisteret(port=arguments.port)
    print(f"fake Enhetsregisteret on {register.url} ({len(register.units)} demo units)", flush=True)
    register.serve_until_interrupted()


if __name__ == "__main__":
    main()
