"""GET /healthz: JSON status of database and broker, 200 when both answer, else 503."""

import pytest
from django.db import connection
from django.db.utils import OperationalError

from tests.support.celery import DEAD_BROKER_URL

pytestmark = pytest.mark.django_db


def test_healthz__both_up__200_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz__broker_down__503_names_the_broker(client, settings):
    settings.CELERY_BROKER_URL = DEAD_BROKER_URL
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_healthz__database_down__503_names_the_database(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")
    assert response.json()["broker"] == "ok"
