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

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from api import v1
from hubportal.wsgi import application

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


def _real_ids(world) -> dict[str, int]:
    return {
        "municipality_id": world.municipality.pk,
        "district_id": world.district.pk,
        "hub_id": world.hub.pk,
        "service_id": world.service.pk,
        "event_id": world.event.pk,
        "resource_id": world.room.pk,
        "opportunity_id": world.opportunity.pk,
    }


@schema.parametrize()
# The world is only read: one for all the cases of an operation.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_openapi_description(case, api_world):
    case.call_and_validate()
    if case.path_parameters and case.meta.generation.mode == GenerationMode.POSITIVE:
        real = _real_ids(api_world)
        case.path_parameters = {name: real[name] for name in case.path_parameters}
        case.call_and_validate()
