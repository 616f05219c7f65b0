"""Volunteering in a real browser with axe: directory, opportunity and sign-up, dashboard."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from frivillighet.models import ShiftSignup
from hubportal.core.demo import DEMO_PASSWORD, load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    load_demo_data()


def test_directory__free_childrens_activities_in_heggedal(page, demo, assert_accessible):
    page.goto("/frivillighet/")
    assert_accessible(page)
    page.get_by_label("Aldersgruppe").select_option("children")
    page.get_by_label("Gratis eller rimelig for barn").check()
    expect(page.locator("[role=status]").first).to_contain_text("organisasjon")
    page.get_by_role("link", name="Heggedal Idrettslag (demo)").wait_for()
    assert_accessible(page)


def test_volunteer_signs_up_for_a_language_cafe_shift(page, demo, login, assert_accessible):
    citizen = get_user_model().objects.get(email="innbygger@demo.hubportal.no")
    login(citizen, DEMO_PASSWORD)
    page.goto("/frivillighet/")
    page.get_by_role("link", name="Vert på språkkafeen").click()
    assert_accessible(page)
    page.get_by_role("button", name="Meld deg på").first.click()
    expect(page.get_by_text("Du er påmeldt. Vi har sendt deg en bekreftelse.")).to_be_visible()
    assert ShiftSignup.objects.filter(volunteer=citizen).count() == 1
    page.goto("/frivillighet/mine-vakter/")
    assert_accessible(page)


def test_coordinator_dashboard(page, demo, login, assert_accessible):
    staff = get_user_model().objects.get(email="ansatt.heggedal@demo.hubportal.no")
    login(staff, DEMO_PASSWORD)
    page.goto("/frivillighet/koordinator/")
    expect(page.get_by_role("heading", name="Ledige vakter de neste 14 dagene")).to_be_visible()
    expect(page.get_by_role("link", name="Vert på språkkafeen").first).to_be_visible()
    assert_accessible(page)
