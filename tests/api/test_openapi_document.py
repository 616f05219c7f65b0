"""The OpenAPI description is one a strict parser reads: Swagger UI refuses a JSON object
with a key twice ("duplicated mapping key"), which Python's json module lets pass."""

from __future__ import annotations

import json

import pytest


def _no_key_twice(pairs):
    keys = [key for key, _value in pairs]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    assert not twice, f"keys given twice in one object: {twice}"
    return dict(pairs)


@pytest.mark.django_db
def test_openapi_description__no_object_has_a_key_twice(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content, object_pairs_hook=_no_key_twice)
    assert document["openapi"].startswith("3.1")
