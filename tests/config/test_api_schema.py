import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token

from config.wsgi import application
from tests.members.factories import UserFactory


@pytest.fixture
def openapi(db):
    return Client().get("/api/schema/?format=json").json()


def test_schema_is_valid_openapi_3(openapi):
    assert openapi["openapi"].startswith("3.")
    validate(openapi)
    assert "/api/v1/account/" in openapi["paths"]
    assert {"tokenAuth", "cookieAuth"} <= set(openapi["components"]["securitySchemes"])


def test_interactive_docs_are_served_from_local_static_files(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
fuzzing = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """Requests go through the real WSGI handler, which would close the test's connection after
    each one; Django's own test client disconnects the same signals."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@fuzzing
def test_api_anonymous(case):
    """Whatever an anonymous caller sends: no server error, every answer as documented."""
    case.call_and_validate()


@pytest.mark.django_db
@schema.parametrize()
@fuzzing
def test_api_as_a_member(case):
    member = UserFactory()
    token = Token.objects.create(user=member)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"})
