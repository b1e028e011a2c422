"""The digest pages, per role (visitor, member, another member, staff): the settings page, the
unsubscribe page and its one-click POST, "view in browser", the staff's delivery log; and hostile
input answered with clear errors, never a 500."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from digests import services
from digests.access import unsubscribe_token, view_token
from digests.models import ConsentEvent, Delivery, Subscription
from tests.digests.conftest import news, reader
from tests.members.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

SETTINGS = "/digests/settings/"
LOG = "/digests/deliveries/"


@pytest.fixture
def mail_client():
    """A mail client: no cookies, no CSRF token, and Django checks CSRF as in production."""
    return Client(enforce_csrf_checks=True)


def unsubscribe_url(member) -> str:
    return f"/digests/unsubscribe/{unsubscribe_token(member)}/"


def sent_delivery(member) -> Delivery:
    services.claim_batch(member_ids=[member.pk])
    return Delivery.objects.get(member=member)


# --- Settings -----------------------------------------------------------------------------------


def test_visitors_are_asked_to_log_in_for_the_settings(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_member_sets_their_own_digest_and_the_change_of_frequency_is_logged(client):
    member = UserFactory()
    client.force_login(member)
    page = client.get(SETTINGS)
    assert page.status_code == 200
    assert "Digest settings" in page.content.decode()
    assert "The language of my interface" in page.content.decode()  # the empty choice, named
    response = client.post(
        SETTINGS,
        {
            "frequency": "daily",
            "weekday": "0",
            "day_of_month": "1",
            "hour": "7",
            "time_zone": "Asia/Shanghai",
            "language": "zh-hans",
            "follows_profile": "on",
        },
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get(pk=member.pk)
    assert (subscription.frequency, subscription.hour, subscription.time_zone) == (
        "daily",
        7,
        "Asia/Shanghai",
    )
    local = subscription.next_due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert local.hour == 7
    event = ConsentEvent.objects.filter(member=member).latest("at")
    assert (event.source, event.before, event.after) == ("settings", "weekly", "daily")


@pytest.mark.parametrize(
    ("field", "value"),
    [("hour", "25"), ("time_zone", "Mars/Olympus_Mons"), ("day_of_month", "31"), ("weekday", "9")],
)
def test_impossible_settings_are_refused_with_the_field_named(client, field, value):
    member = UserFactory()
    client.force_login(member)
    data = {
        "frequency": "weekly",
        "weekday": "0",
        "day_of_month": "1",
        "hour": "8",
        "time_zone": "America/Vancouver",
        field: value,
    }
    response = client.post(SETTINGS, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Subscription.objects.get(pk=member.pk).hour == 8


def test_the_member_menu_links_to_the_digest_settings(client):
    client.force_login(UserFactory())
    assert 'href="/digests/settings/"' in client.get("/notifications/").content.decode()


# --- Unsubscribe ----------------------------------------------------------------------------------


def test_one_click_unsubscribe_posts_without_cookies_and_does_not_redirect(mail_client):
    member = UserFactory()
    for _attempt in range(2):  # idempotent
        response = mail_client.post(
            unsubscribe_url(member),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
    subscription = Subscription.objects.get(pk=member.pk)
    assert subscription.frequency == "off"
    assert subscription.next_due_at is None
    events = ConsentEvent.objects.filter(member=member, source="one_click")
    assert [(e.before, e.after) for e in events] == [("weekly", "off")]  # logged once


def test_the_page_offers_less_often_and_never_and_get_changes_nothing(mail_client):
    member = UserFactory()
    Subscription.objects.filter(pk=member.pk).update(frequency="daily")
    page = mail_client.get(unsubscribe_url(member)).content.decode()
    assert "Less often: weekly" in page
    assert "Never: stop the digest" in page
    assert Subscription.objects.get(pk=member.pk).frequency == "daily"
    response = mail_client.post(unsubscribe_url(member), {"frequency": "weekly"})
    assert response.status_code == 200
    assert "less often" in response.content.decode()
    assert Subscription.objects.get(pk=member.pk).frequency == "weekly"
    event = ConsentEvent.objects.filter(member=member).latest("at")
    assert (event.source, event.before, event.after) == ("unsubscribe_page", "daily", "weekly")


def test_the_page_refuses_a_choice_it_did_not_offer(mail_client):
    member = UserFactory()
    response = mail_client.post(unsubscribe_url(member), {"frequency": "daily"})  # more often
    assert response.status_code == 400
    assert Subscription.objects.get(pk=member.pk).frequency == "weekly"


def forged_unsubscribe_tokens(member_id: int) -> list[str]:
    genuine = signing.dumps([member_id, "digest"], salt="digests.unsubscribe")
    return [
        "nonsense",
        genuine[:-3] + "abc",
        signing.dumps([member_id, "digest"]),  # no salt
        signing.dumps([member_id, "digest"], salt="notifications.unsubscribe"),
        signing.dumps([member_id + 1000, "digest"], salt="digests.unsubscribe"),  # no one
        signing.dumps(["1; DROP TABLE", "digest"], salt="digests.unsubscribe"),
        signing.dumps({"member": member_id}, salt="digests.unsubscribe"),
        "%00",
    ]


@pytest.mark.parametrize("index", range(8))
def test_forged_unsubscribe_tokens_get_a_clear_400(mail_client, index):
    member = UserFactory()
    token = forged_unsubscribe_tokens(member.pk)[index]
    for method in (mail_client.get, mail_client.post):
        response = method(f"/digests/unsubscribe/{token}/")
        assert response.status_code in (400, 404)
    assert Subscription.objects.get(pk=member.pk).frequency == "weekly"


# --- View in browser ----------------------------------------------------------------------------


def test_view_in_browser_needs_no_log_in_and_shows_what_was_sent(client):
    news()
    member = reader()
    delivery = sent_delivery(member)
    response = client.get(f"/digests/view/{view_token(delivery)}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Automotive news 0" in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_view_in_browser_refuses_forged_walked_and_expired_links(client, settings):
    news()
    member, other = reader(), reader()
    delivery = sent_delivery(member)
    walked = signing.dumps([delivery.pk + 1, member.pk], salt="digests.view")
    mismatched = signing.dumps([delivery.pk, other.pk], salt="digests.view")
    for token in ("nonsense", walked, mismatched, view_token(delivery)[:-2] + "xx"):
        assert client.get(f"/digests/view/{token}/").status_code == 404
    token = view_token(delivery)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: timezone.now().timestamp() + 400 * 24 * 3600)
        response = client.get(f"/digests/view/{token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_skipped_digest_has_nothing_to_view(client):
    member = reader()  # no news: too little
    services.claim_batch(member_ids=[member.pk])
    delivery = Delivery.objects.get(member=member)
    assert delivery.status == "skipped"
    assert client.get(f"/digests/view/{view_token(delivery)}/").status_code == 404


# --- The delivery log ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("visitor", 302), ("member", 403), ("other", 403), ("staff", 200)]
)
def test_the_delivery_log_is_for_staff(client, role, status):
    news()
    member = reader()
    sent_delivery(member)
    if role == "member":
        client.force_login(member)
    elif role == "other":
        client.force_login(UserFactory())
    elif role == "staff":
        client.force_login(with_authenticator(UserFactory(is_staff=True)))
    response = client.get(LOG)
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert member.display_name in page
        assert "<meter" in page
        assert 'style="' not in page


def test_the_log_filters_by_status_and_reason_and_refuses_unknown_ones(client):
    news()
    staff = with_authenticator(UserFactory(is_staff=True))
    sent, quiet = reader(), reader()
    services.claim_batch(member_ids=[sent.pk])
    Subscription.objects.get(pk=quiet.pk).sectors.clear()
    Subscription.objects.filter(pk=quiet.pk).update(follows_profile=False)
    services.claim_batch(member_ids=[quiet.pk])
    client.force_login(staff)
    page = client.get(LOG, {"status": "skipped", "reason": "too_little"}).content.decode()
    assert quiet.display_name in page
    assert sent.display_name not in page
    assert client.get(LOG, {"status": "<script>"}).status_code == 400
    assert client.get(LOG, {"cursor": "forged"}).status_code == 200  # starts from the top


def test_the_log_pages_with_a_cursor(client):
    staff = with_authenticator(UserFactory(is_staff=True))
    members = [UserFactory() for _ in range(3)]
    Delivery.objects.bulk_create(
        Delivery(member=m, period=f"w2026-{n:02d}", frequency="weekly", status="sent")
        for n in range(1, 53)
        for m in members
    )
    client.force_login(staff)
    first = client.get(LOG)
    cursor = first.context["page"].next_cursor
    assert cursor
    second = client.get(LOG, {"cursor": cursor})
    assert not {d.pk for d in first.context["page"].items} & {
        d.pk for d in second.context["page"].items
    }


def test_settings_of_a_member_due_long_ago_are_due_from_now(client):
    member = UserFactory()
    Subscription.objects.filter(pk=member.pk).update(
        next_due_at=timezone.now() - timedelta(days=30)
    )
    services.change_subscription(member=member, source="api", hour=9)
    assert Subscription.objects.get(pk=member.pk).next_due_at > timezone.now()


def test_staff_read_consent_changes_and_subscriptions_in_the_admin(client):
    member = UserFactory()
    services.unsubscribe(member=member, source=ConsentEvent.Source.ONE_CLICK)
    admin = with_authenticator(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(admin)
    page = client.get("/admin/digests/consentevent/")
    assert page.status_code == 200
    assert member.email in page.content.decode() or str(member) in page.content.decode()
    assert client.get("/admin/digests/subscription/").status_code == 200
    assert client.get("/admin/digests/consentevent/add/").status_code == 403
