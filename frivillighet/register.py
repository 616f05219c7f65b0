"""Organisations looked up in Brønnøysund's Central Coordinating Register for Legal Entities
(Enhetsregisteret, the open API at HUBPORTAL_ENHETSREGISTERET_URL): what the register says of
an organisation number, behind a small interface (`OrganisationRegister`) with its two
failures named: the register does not know the number (`UnknownOrganisation`), or it cannot
be asked right now (`RegisterUnavailable`: no connection, a timeout, a 5xx, an answer that is
not the register's JSON). Each request gives up after
HUBPORTAL_ENHETSREGISTERET_TIMEOUT_SECONDS.

`frivillighet/fake_register.py` is a local stand-in that speaks the same HTTP (tests and
`make run` use it)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import requests
from django.conf import settings

logger = logging.getLogger(__name__)


class RegisterError(Exception):
    """The register could not say what an organisation number is."""


class UnknownOrganisation(RegisterError):
    """The register has no unit with this number (404), or refuses it as a number (400)."""


class RegisterUnavailable(RegisterError):
    """The register cannot be asked right now; nothing can be concluded about the number."""


@dataclass(frozen=True)
class RegisterEntry:
    org_number: str
    name: str
    organisation_form_code: str
    organisation_form: str
    address: str  # street lines, joined
    postcode: str
    city: str
    municipality_number: str
    in_voluntary_register: bool  # registrertIFrivillighetsregisteret
    bankrupt: bool  # konkurs
    winding_up: bool  # underAvvikling, or under forced dissolution
    deleted: bool  # the unit no longer exists (410 Gone, or a slettedato)
    deleted_on: date | None  # slettedato


class OrganisationRegister(Protocol):
    def lookup(self, org_number: str) -> RegisterEntry: ...


def _date(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def entry_from_document(document: dict, org_number: str, *, gone: bool = False) -> RegisterEntry:
    """A unit as the API describes it (GET /enheter/{orgnr}, or the 410 of a deleted one)."""
    form = document.get("organisasjonsform") or {}
    address = document.get("forretningsadresse") or document.get("postadresse") or {}
    return RegisterEntry(
        org_number=str(document.get("organisasjonsnummer") or org_number),
        name=str(document.get("navn") or ""),
        organisation_form_code=str(form.get("kode") or ""),
        organisation_form=str(form.get("beskrivelse") or ""),
        address=", ".join(str(line) for line in address.get("adresse") or [] if line),
        postcode=str(address.get("postnummer") or ""),
        city=str(address.get("poststed") or ""),
        municipality_number=str(address.get("kommunenummer") or ""),
        in_voluntary_register=bool(document.get("registrertIFrivillighetsregisteret")),
        bankrupt=bool(document.get("konkurs")),
        winding_up=bool(
            document.get("underAvvikling")
            or document.get("underTvangsavviklingEllerTvangsopplosning")
        ),
        deleted=gone or bool(document.get("slettedato")),
        deleted_on=_date(document.get("slettedato")),
    )


class EnhetsregisteretClient:
    """The open API: ``GET {base_url}/enheter/{orgnr}``, JSON."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def lookup(self, org_number: str) -> RegisterEntry:
        url = f"{self.base_url}/enheter/{org_number}"
        try:
            response = requests.get(
                url, headers={"Accept": "application/json"}, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise RegisterUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code in (400, 404):
            raise UnknownOrganisation(f"{response.status_code} for {org_number}")
        if response.status_code not in (200, 410):
            raise RegisterUnavailable(f"HTTP {response.status_code} from the register")
        try:
            document = response.json()
        except ValueError as error:
            raise RegisterUnavailable("an answer that is not JSON") from error
        if not isinstance(document, dict):
            raise RegisterUnavailable("an answer that is not a unit")
        entry = entry_from_document(document, org_number, gone=response.status_code == 410)
        if not entry.deleted and not entry.name:
            raise RegisterUnavailable("a unit without a name")
        return entry


def configured_register() -> OrganisationRegister:
    """The register the portal asks (the configured one)."""
    return EnhetsregisteretClient(
        settings.ENHETSREGISTERET_URL, settings.ENHETSREGISTERET_TIMEOUT_SECONDS
    )
