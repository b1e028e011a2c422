"""The unsubscribe link of notification e-mails: RFC 8058 one-click, signed, never a 500."""

import pytest
from django.core import signing
from django.test import Client

from notifications.access import unsubscribe_token
from notifications.models import Preference
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_client():
    """A mail client: no cookies, no CSRF token, and Django checks CSRF as in production."""
    return Client(enforce_csrf_checks=True)


def url_for(member, kind) -> str:
    return f"/notifications/unsubscribe/{unsubscribe_token(member, kind)}/"


def test_get_asks_to_confirm_and_changes_nothing(client, reply_kind):
    member = UserFactory()
    response = client.get(url_for(member, reply_kind))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop e-mails about “Replies to threads you follow”?" in page
    assert "still see these notifications on KnowBridge" in page  # in-app stays: said so
    assert '<form method="post">' in page
    assert not Preference.objects.exists()


def test_one_click_post_needs_no_cookies_and_does_not_redirect(mail_client, reply_kind):
    member = UserFactory()
    url = url_for(member, reply_kind)
    for _attempt in range(2):  # idempotent
        response = mail_client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
    assert Preference.objects.get(member=member).delivery == "in_app"


def test_the_button_on_the_page_works_too(mail_client, reply_kind):
    member = UserFactory()
    response = mail_client.post(url_for(member, reply_kind))
    assert response.status_code == 200
    assert Preference.objects.get(member=member, kind="test_reply").delivery == "in_app"


def forged_tokens(member_id: int) -> list[str]:
    genuine = signing.dumps([member_id, "test_reply"], salt="notifications.unsubscribe")
    return [
        "nonsense",
        genuine[:-3] + "abc",  # signature tampered with
        signing.dumps([member_id, "test_reply"]),  # signed without the salt
        signing.dumps([member_id, "test_reply"], salt="core.pagination.keyset"),  # other salt
        signing.dumps([member_id + 1000, "test_reply"], salt="notifications.unsubscribe"),
        signing.dumps([member_id, "no_such_kind"], salt="notifications.unsubscribe"),
        signing.dumps({"member": member_id}, salt="notifications.unsubscribe"),
        signing.dumps(["x", ["y"]], salt="notifications.unsubscribe"),
        signing.dumps("text", salt="notifications.unsubscribe"),
        "a%00b",
        "x" * 5000,
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_stale_token_is_refused_with_a_clear_page(mail_client, reply_kind, method):
    member = UserFactory()
    for token in forged_tokens(member.pk):
        response = getattr(mail_client, method)(f"/notifications/unsubscribe/{token}/")
        assert response.status_code == 400, token
        assert "Invalid unsubscribe link" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_deactivated_members_link_no_longer_works(mail_client, reply_kind):
    member = UserFactory(is_active=False)
    assert mail_client.post(url_for(member, reply_kind)).status_code == 400
