"""Notification e-mails: batched per member, kind and period, in the member's language, never
twice, with a one-click unsubscribe link."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from core.mail import message_to_data
from core.tasks import deliver_email
from notifications import services
from notifications.models import EmailDelivery, Notification
from notifications.registry import Delivery
from notifications.tasks import send_notification_emails
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def notify(member, reply_kind, count=1, **extra):
    for number in range(count):
        services.notify(
            recipients=[member],
            kind=reply_kind,
            actor=extra.get("actor") or UserFactory(display_name=f"Author {number}"),
            subject=extra.get("subject", f"Thread {number}"),
            url=f"/forums/t/{number + 1}/",
            batch_key=extra.get("batch_key", ""),
        )


def test_three_notifications_of_a_kind_make_one_mail_with_three_items(reply_kind, settings):
    member = UserFactory(display_name="Marie Tremblay")
    notify(member, reply_kind, count=3)
    assert send_notification_emails() == 1
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "[KnowBridge] 3 new notifications: Replies to threads you follow"
    text = message.body
    html = message.alternatives[0][0]
    assert "Hello Marie Tremblay," in text
    for number in range(3):
        assert f"Author {number} replied in “Thread {number}”" in text
        assert f"{settings.SITE_URL}/forums/t/{number + 1}/" in text
        assert f'href="{settings.SITE_URL}/forums/t/{number + 1}/"' in html
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    assert EmailDelivery.objects.get().item_count == 3


def test_one_mail_per_member_and_kind(reply_kind, quiet_kind):
    first, second = UserFactory.create_batch(2)
    services.set_preferences(member=first, deliveries={"test_mention": Delivery.EMAIL})
    notify(first, reply_kind, count=2)
    notify(second, reply_kind)
    services.notify(recipients=[first], kind=quiet_kind, subject="Hello", url="/forums/t/9/")
    assert send_notification_emails() == 3
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (first.email, "[KnowBridge] 2 new notifications: Replies to threads you follow"),
            (first.email, "[KnowBridge] Someone mentioned you in “Hello”"),
            (second.email, "[KnowBridge] Author 0 replied in “Thread 0”"),
        ]
    )


def test_a_batch_is_one_line(reply_kind):
    member = UserFactory()
    for number in range(4):
        services.notify(
            recipients=[member],
            kind=reply_kind,
            actor=UserFactory(),
            subject="Opening a bank account in Shenzhen",
            url=f"/forums/t/7/?after={number}",
            batch_key="thread:7",
        )
    send_notification_emails()
    [message] = mail.outbox
    assert "4 new replies in “Opening a bank account in Shenzhen”" in message.body
    assert "/forums/t/7/?after=0" in message.body  # the first of them
    assert "?after=1" not in message.body


def test_the_mail_is_in_the_members_language(reply_kind):
    member = UserFactory(language="fr", display_name="Marie")
    notify(member, reply_kind, count=2)
    send_notification_emails()
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The catalogs are completed at merge time: the words they already have show the language.
    assert "Bonjour Marie," in message.body
    assert 'lang="fr"' in message.alternatives[0][0]
    assert "L'équipe KnowBridge" in message.body


def test_a_second_run_sends_nothing(reply_kind):
    notify(UserFactory(), reply_kind, count=3)
    assert send_notification_emails() == 1
    assert send_notification_emails() == 0
    assert len(mail.outbox) == 1


def test_a_duplicated_task_in_the_same_period_mails_no_one_twice(reply_kind):
    member = UserFactory()
    now = timezone.now()
    notify(member, reply_kind)
    assert services.send_pending_emails(now=now) == 1
    notify(member, reply_kind, subject="Later")
    assert services.send_pending_emails(now=now) == 0  # same period: it waits
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(email_pending=True).count() == 1
    later = now + timedelta(seconds=services.settings.NOTIFICATION_EMAIL_PERIOD)
    assert services.send_pending_emails(now=later) == 1
    assert "Later" in mail.outbox[1].subject


def test_read_or_unwanted_notifications_are_not_mailed(reply_kind):
    reader, quiet, gone = UserFactory.create_batch(3)
    for member in (reader, quiet, gone):
        notify(member, reply_kind)
    services.mark_read(member=reader)
    services.set_preferences(member=quiet, deliveries={"test_reply": Delivery.IN_APP})
    gone.is_active = False
    gone.save()
    assert send_notification_emails() == 0
    assert mail.outbox == []
    assert not Notification.objects.filter(email_pending=True).exists()


def test_the_mail_carries_a_working_one_click_unsubscribe(reply_kind, client):
    member = UserFactory()
    notify(member, reply_kind)
    send_notification_emails()
    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    url = re.fullmatch(r"<(http://\S+)>", header).group(1)
    assert url in message.body
    assert url in message.alternatives[0][0]
    path = url.removeprefix(services.settings.SITE_URL)
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    notify(member, reply_kind)
    assert not Notification.objects.filter(email_pending=True).exists()


@pytest.mark.redis
def test_the_mail_goes_through_a_real_worker_to_a_real_smtp_server(
    settings, seeded_transactional_db, smtp_inbox, celery_worker_on_redis, reply_kind
):
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    member = UserFactory(language="zh-hans", display_name="李伟")
    notify(member, reply_kind, count=3)
    send_notification_emails.delay()
    [received] = smtp_inbox.wait_for(1)
    assert received["To"] == member.email
    assert (
        received["List-Unsubscribe"]
        .strip()
        .startswith(f"<{settings.SITE_URL}/notifications/unsubscribe/")
    )
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "李伟，您好：" in text
    assert 'lang="zh-hans"' in html
    for number in range(3):
        assert f"{settings.SITE_URL}/forums/t/{number + 1}/" in text
        assert f"{settings.SITE_URL}/forums/t/{number + 1}/" in html

    # The task again, then a marker mail behind it in the queue: the marker is all that arrives.
    send_notification_emails.delay()
    marker = EmailMessage(subject="marker", body=".", to=["marker@example.org"])
    deliver_email.delay(message_to_data(marker))
    messages = smtp_inbox.wait_for(2)
    assert [message["Subject"] for message in messages[1:]] == ["marker"]
