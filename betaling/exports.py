"""An exported month's invoice basis written out for the accounting system, a row at a time
(the exports stream: constant memory however many lines): CSV with one row per line, the
payer's fields on every row, and the same as JSON, one object per payer with its lines.

CSV: semicolon-separated, UTF-8, amounts in kroner with a decimal comma (Norwegian
spreadsheets and accounting imports read them so), VAT codes as SAF-T's standard codes.
JSON: amounts in whole øre (integers), quantities as decimal strings."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal

from .enums import VatRate
from .selectors import invoice_lines_of

CSV_COLUMNS = [
    "fakturagrunnlag",
    "periode",
    "kunde_orgnr",
    "kunde_navn",
    "kunde_adresse",
    "kunde_postnr",
    "kunde_poststed",
    "kunde_epost",
    "kunde_referanse",
    "linjetype",
    "booking",
    "dato",
    "beskrivelse",
    "antall",
    "enhetspris",
    "mva_kode",
    "mva_sats",
    "belop",
    "mva_belop",
    "prosjekt",
    "tjeneste",
    "ressurs",
]


class _Echo:
    """A file that hands back what is written to it (csv.writer writes one row into it)."""

    def write(self, value: str) -> str:
        return value


def _kroner(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100},{abs(ore) % 100:02d}"


def _decimal(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _text(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def invoice_csv(period) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)  # the BOM: spreadsheets read UTF-8
    for line in invoice_lines_of(period=period):
        basis = line.basis
        yield writer.writerow(
            [
                basis.pk,
                f"{period.month:%Y-%m}",
                basis.payer_org_number,
                _text(basis.payer_name),
                _text(basis.payer_address),
                basis.payer_postcode,
                _text(basis.payer_city),
                _text(basis.payer_email),
                _text(basis.payer_reference),
                line.kind,
                line.booking_id,
                line.date.isoformat(),
                _text(line.description),
                _decimal(line.quantity),
                _kroner(line.unit_price),
                VatRate(line.vat_rate).code,
                VatRate(line.vat_rate).percent,
                _kroner(line.amount),
                _kroner(line.vat),
                _text(line.project_code),
                _text(line.service_code),
                _text(line.resource_name),
            ]
        )


def _basis_json(basis, period) -> dict:
    return {
        "fakturagrunnlag": basis.pk,
        "periode": f"{period.month:%Y-%m}",
        "kunde": {
            "orgnr": basis.payer_org_number,
            "navn": basis.payer_name,
            "adresse": basis.payer_address,
            "postnr": basis.payer_postcode,
            "poststed": basis.payer_city,
            "epost": basis.payer_email,
            "referanse": basis.payer_reference,
        },
        "sum_ore": basis.total,
        "mva_ore": basis.vat,
    }


def _line_json(line) -> dict:
    return {
        "linjetype": line.kind,
        "booking": line.booking_id,
        "dato": line.date.isoformat(),
        "beskrivelse": line.description,
        "antall": f"{line.quantity:.2f}",
        "enhetspris_ore": line.unit_price,
        "mva_kode": VatRate(line.vat_rate).code,
        "mva_sats": VatRate(line.vat_rate).percent,
        "belop_ore": line.amount,
        "mva_ore": line.vat,
        "prosjekt": line.project_code,
        "tjeneste": line.service_code,
        "ressurs": line.resource_name,
    }


def invoice_json(period) -> Iterator[str]:
    """{"kommune", "periode", "sum_ore", "fakturagrunnlag": [basis with "linjer"]},
    written a line at a time."""
    head = {
        "kommune": period.municipality.name,
        "kommunenummer": period.municipality.number,
        "periode": f"{period.month:%Y-%m}",
        "eksportert": period.exported_at.isoformat() if period.exported_at else None,
        "sum_ore": period.total,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "fakturagrunnlag": ['
    current = None
    for line in invoice_lines_of(period=period):
        if line.basis_id != current:
            if current is not None:
                yield "]},\n"
            current = line.basis_id
            yield json.dumps(_basis_json(line.basis, period), ensure_ascii=False)[:-1]
            yield ', "linjer": [\n'
            first = True
        yield ("" if first else ",\n") + json.dumps(_line_json(line), ensure_ascii=False)
        first = False
    if current is not None:
        yield "]}"
    yield "]}\n"


FINANCE_COLUMNS = [
    "periode",
    "knutepunkt",
    "betalt",
    "refundert",
    "netto",
    "fakturert",
    "utestaende",
]


def finance_report_csv(report) -> Iterator[str]:
    """The monthly finance report: a row per hub and the municipality's total."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(FINANCE_COLUMNS)
    month = f"{report.month:%Y-%m}"
    total = report.total
    for row in (*report.rows, total):
        yield writer.writerow(
            [
                month,
                _text(row.name or report.municipality.name),
                _kroner(row.paid),
                _kroner(row.refunded),
                _kroner(row.net),
                _kroner(row.invoiced),
                _kroner(row.outstanding),
            ]
        )
