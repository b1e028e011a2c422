import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT = "/api/v1/account/"


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_visitors_get_a_structured_401(api):
    response = api.get(ACCOUNT)
    assert response.status_code == 401
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "not_authenticated",
                "detail": "Authentication credentials were not provided.",
                "attr": None,
            }
        ],
    }


def test_members_see_their_own_account_and_nobody_else_s(api, member):
    UserFactory(email="someone.else@example.org")
    api.force_authenticate(member)
    body = api.get(ACCOUNT).json()
    assert body["email"] == member.email
    assert body["display_name"] == member.display_name
    assert "someone.else@example.org" not in str(body)
    assert "password" not in body


def test_members_change_their_display_name_and_language(api, member):
    api.force_authenticate(member)
    response = api.patch(ACCOUNT, {"display_name": "  Wang Fang ", "language": "zh-hans"})
    assert response.status_code == 200, response.json()
    member.refresh_from_db()
    assert (member.display_name, member.language) == ("Wang Fang", "zh-hans")


def test_bad_input_gets_field_level_reasons(api, member):
    api.force_authenticate(member)
    response = api.patch(ACCOUNT, {"language": "klingon", "display_name": "x" * 81}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert {error["attr"] for error in body["errors"]} == {"language", "display_name"}


def test_e_mail_cannot_be_changed_through_the_api(api, member):
    api.force_authenticate(member)
    api.patch(ACCOUNT, {"email": "hijack@example.org"}, format="json")
    member.refresh_from_db()
    assert member.email != "hijack@example.org"


def test_token_authentication_works_until_revoked(client, member):
    client.force_login(member)
    page = client.post(reverse("members:api_token"), {"action": "issue"})
    key = page.context["new_token"].key
    assert key in page.content.decode()
    assert key not in client.get(reverse("members:api_token")).content.decode()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(ACCOUNT).json()["email"] == member.email

    client.post(reverse("members:api_token"), {"action": "revoke"})
    assert not Token.objects.filter(user=member).exists()
    assert api.get(ACCOUNT).status_code == 401


def test_members_are_throttled_with_a_clear_answer(api, member, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    api.force_authenticate(member)
    responses = [api.get(ACCOUNT) for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 429]
    assert responses[-1].json()["errors"][0]["code"] == "throttled"
    assert int(responses[-1].headers["Retry-After"]) > 0
