import pytest
from celery import current_app

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_touching_dependencies(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_checks_database_cache_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


def test_readiness_fails_when_the_broker_is_unreachable(client, monkeypatch):
    for setting in ("broker_url", "broker_write_url"):
        monkeypatch.setitem(current_app.conf, setting, "redis://127.0.0.1:1/0")
    monkeypatch.setitem(current_app.conf, "broker_transport_options", {})
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error: ")


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
