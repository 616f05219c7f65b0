"""The finance staff's pages in a real browser with axe, on the demo data: last month's
invoice basis of Asker (the demo's invoiced payers), exported once from the page as CSV
(a download), refused the second time with the message on the page; the monthly finance
report and its CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from betaling.models import InvoicePeriod
from betaling.selectors import last_ended_month
from hubportal.core.demo import DEMO_PASSWORD, load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FINANCE = "okonomi.asker@demo.hubportal.no"


def test_finance_staff_export_the_month_once_and_read_the_report(
    browser, live_server, assert_accessible
):
    load_demo_data()
    last = last_ended_month()
    month = f"/asker/{last.year}/{last.month}/"
    with translation.override("nb"):
        month_name = date_format(last, "F Y")  # "november 2026"
    context = browser.new_context(base_url=live_server.url, locale="nb-NO", accept_downloads=True)
    page = context.new_page()
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(FINANCE)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    page.goto("/betaling/fakturagrunnlag/")
    assert_accessible(page)
    page.get_by_role("link", name=month_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fakturagrunnlag")
    expect(page.get_by_role("heading", name="Heggedal Kafé AS (demo)")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("CSV (semikolonseparert)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Eksporter og lås måneden").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert {row["kunde_navn"] for row in rows} >= {"Heggedal Kafé AS (demo)"}
    assert all(row["tjeneste"] == "3850" for row in rows)
    assert InvoicePeriod.objects.filter(municipality__slug="asker", locked=True).count() == 1
    # Once: the page now says it is exported, and offers no export.
    page.goto(f"/betaling/fakturagrunnlag{month}")
    expect(page.get_by_role("status")).to_contain_text("aldri eksportert igjen")
    assert page.get_by_role("button", name="Eksporter og lås måneden").count() == 0
    assert_accessible(page)
    page.goto(f"/betaling/okonomi{month}")
    expect(page.get_by_role("table", name=f"Penger per knutepunkt, {month_name}")).to_be_visible()
    assert_accessible(page)
    context.close()
