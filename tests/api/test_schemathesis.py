"""The whole API against its own OpenAPI description, by Schemathesis (property-based):
for every operation, generated requests (valid ones, and invalid ones: wrong types, values
out of range, missing or extra parameters) through the real WSGI application and
middleware. No answer is a 5xx, every answer is declared in the description and matches
its schema, valid input is accepted and invalid input refused.

Bounded and deterministic: ``SCHEMATHESIS_EXAMPLES`` cases per operation and mode (8 by
default, the same ones every run); ``SCHEMATHESIS_EXAMPLES=200`` for a long run.

Generated ids rarely name a row, so each valid case with path parameters is also asked
with the ids of the test world's objects, keeping its generated query: the answers built
from real rows (hours, visits, free times, registrations) are checked against the schema
too.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from oauth2_provider.models import get_access_token_model, set_token_value
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from api import v1
from api.services import api_token_create, oauth_client_create
from hubportal.wsgi import application
from tests.knutepunkt.factories import UserFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": EXAMPLES, "deterministic": True},
        "checks": {
            # A valid request may still be refused for what a schema cannot say: a date
            # range longer than 92 days, an end before the start (422, naming "end").
            "positive_data_acceptance": {"expected-statuses": ["2xx", "404", "422"]},
        },
    }
)


# The description as /api/v1/openapi.json serves it (generating it needs no database);
# the cases are sent to the WSGI application, through every middleware.
schema = schemathesis.openapi.from_dict(v1.api.get_openapi_schema(), config=CONFIG)
schema.app = application


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """Requests reach the WSGI application itself (not Django's test client, which does
    the same), whose end-of-request signal would close the test's transaction's
    connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_ids(world) -> dict[str, int | str]:
    return {
        "municipality": world.municipality.slug,  # the data catalogue is named by slug
        "municipality_id": world.municipality.pk,
        "district_id": world.district.pk,
        "hub_id": world.hub.pk,
        "service_id": world.service.pk,
        "event_id": world.event.pk,
        "resource_id": world.room.pk,
        "opportunity_id": world.opportunity.pk,
    }


@pytest.fixture
def api_token(api_world):
    created = api_token_create(
        by=UserFactory(email="super@example.no", is_staff=True, is_superuser=True),
        municipality=api_world.municipality,
        name="Schemathesis",
        expires_at=timezone.now() + timedelta(days=1),
        requests_per_minute=10_000,
    )
    return created.secret


@pytest.fixture
def person_token(api_world):
    """An OAuth access token of a person with both scopes (the flow that gives one is
    tests/api/test_oauth.py's)."""
    client = oauth_client_create(
        by=UserFactory(email="super-oauth@example.no", is_staff=True, is_superuser=True),
        municipality=api_world.municipality,
        name="Schemathesis-appen",
        redirect_uris="https://app.example.no/callback",
        client_type="public",
    ).client
    token = get_access_token_model()(
        user=UserFactory(email="kari@example.no"),
        application=client.application,
        expires=timezone.now() + timedelta(hours=1),
        scope="bookings:read registrations:read",
    )
    set_token_value(token, "schemathesis-person-token")
    token.save()
    return "schemathesis-person-token"


@schema.parametrize()
# The world is only read: one for all the cases of an operation.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_openapi_description(case, api_world, api_token, person_token):
    valid = case.meta.generation.mode == GenerationMode.POSITIVE
    if valid and case.operation.path.startswith("/api/v1/staff/"):
        # The staff reads: valid cases carry a real token (invalid ones what was generated).
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {api_token}"}
    if valid and case.operation.path.startswith("/api/v1/me/"):
        # A person's own reads: a real OAuth access token of theirs.
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {person_token}"}
    case.call_and_validate()
    if case.path_parameters and valid:
        real = _real_ids(api_world)
        case.path_parameters = {name: real[name] for name in case.path_parameters}
        case.call_and_validate()
