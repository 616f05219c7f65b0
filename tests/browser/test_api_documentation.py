"""The API's documentation in a real browser: Swagger UI from our own static files runs
under the Content-Security-Policy (every browser test fails on a violation or a script
error), lists the operations and fetches a hub's opening hours from the API itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hubportal.core.demo import load_demo_data
from knutepunkt.models import Hub

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs__swagger_ui_lists_the_operations_and_tries_one(page):
    load_demo_data()
    hub = Hub.objects.order_by("pk").first()
    page.goto("/api/v1/docs")
    expect(page.get_by_text("hubportal API", exact=False).first).to_be_visible()
    operation = page.locator("#operations-opening_hours-api_v1_hub_opening_hours")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_placeholder("hub_id").fill(str(hub.pk))
    with page.expect_response(lambda r: "/opening-hours" in r.url) as answer:
        page.get_by_role("button", name="Execute").click()
    response = answer.value
    assert response.status == 200
    assert len(response.json()["days"]) == 7
