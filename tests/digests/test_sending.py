"""Deciding and sending digests in process, against a real SMTP listener: the mail's headers
and parts, exactly once per member and period whatever runs twice, and SMTP errors."""

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from digests import services, tasks
from digests.models import ConsentEvent, Delivery, Subscription
from tests.conftest import SMTP_BACKEND, SMTPInbox, free_port
from tests.digests.conftest import news, reader
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_mail_is_multipart_in_the_members_language_with_one_click_unsubscribe(
    readers_with_news, smtp_inbox, settings
):
    settings.POSTAL_ADDRESS = "KnowBridge, 123 Rue Exemple, Montréal QC H2X 1Y4, Canada"
    settings.DIGEST_SENDER_NAME = "KnowBridge"
    french = readers_with_news[1]
    assert services.send_batch(member_ids=[french.pk])["sent"] == 1
    [mail] = smtp_inbox.wait_for(1)
    assert mail["To"] == french.email
    assert mail.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mail.iter_parts()] == ["text/plain", "text/html"]
    unsubscribe = mail["List-Unsubscribe"].strip()  # a long header is folded; that is legal
    assert unsubscribe.startswith("<http://")
    assert "/digests/unsubscribe/" in unsubscribe
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = Delivery.objects.get(member=french)
    assert mail["Message-ID"].strip() == delivery.message_id
    assert delivery.message_id == services.message_id(french.pk, delivery.period)
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Automotive news 0" in text
    assert "Automotive news 0" in html
    assert "123 Rue Exemple, Montréal" in text
    assert "123 Rue Exemple, Montréal" in html
    assert unsubscribe.strip("<>") in text
    assert unsubscribe.strip("<>") in html
    assert "/digests/view/" in text
    assert "Actualités économiques pour vous" in text or "Economy updates for you" in text
    assert delivery.status == "sent"
    assert delivery.sent_at is not None
    assert delivery.attempts == 1


def test_a_traditional_chinese_reader_gets_the_digest_in_traditional_characters(
    readers_with_news, smtp_inbox
):
    reader = readers_with_news[2]
    reader.language = "zh-hant"
    reader.save(update_fields=["language"])
    assert services.send_batch(member_ids=[reader.pk])["sent"] == 1
    [mail] = smtp_inbox.wait_for(1)
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert 'lang="zh-hant"' in html
    assert "經濟動態" in text
    assert "经济动态" not in text


def test_a_batch_run_twice_mails_each_member_once(readers_with_news, smtp_inbox):
    ids = [member.pk for member in readers_with_news]
    first = services.send_batch(member_ids=ids)
    second = services.send_batch(member_ids=ids)  # the same task delivered again
    assert first["sent"] == 3
    assert second["sent"] == 0
    smtp_inbox.wait_for(3)
    assert sorted(m["To"] for m in smtp_inbox.messages) == sorted(
        m.email for m in readers_with_news
    )
    assert Delivery.objects.filter(status="sent").count() == 3


def test_a_digest_claimed_by_a_worker_that_died_is_sent_by_the_next_run_with_its_message_id(
    readers_with_news, smtp_inbox
):
    ids = [member.pk for member in readers_with_news]
    services.claim_batch(member_ids=ids)  # ... and the worker dies before sending
    claimed = dict(Delivery.objects.values_list("member_id", "message_id"))
    assert Delivery.objects.filter(status="claimed").count() == 3
    assert services.send_batch(member_ids=ids)["sent"] == 3
    received = {parseaddr(m["To"])[1]: m["Message-ID"].strip() for m in smtp_inbox.wait_for(3)}
    assert received == {member.email: claimed[member.pk] for member in readers_with_news}


def test_beat_firing_twice_queues_each_member_once(readers_with_news):
    first = services.mark_due_queued()
    assert sorted(pk for batch in first for pk in batch) == sorted(m.pk for m in readers_with_news)
    assert services.mark_due_queued() == []


def test_a_batch_lost_on_the_way_is_queued_again_after_a_while(readers_with_news):
    [batch] = services.mark_due_queued()
    later = timezone.now() + services.QUEUE_AGAIN_AFTER + services.QUEUE_AGAIN_AFTER / 10
    assert services.mark_due_queued(now=later) == [batch]


def test_beat_reads_due_subscriptions_in_batches_in_id_order(db):
    news()
    members = [reader() for _ in range(5)]
    batches = services.mark_due_queued(size=2)
    assert batches == [[m.pk for m in members[:2]], [m.pk for m in members[2:4]], [members[4].pk]]


def test_a_member_who_unsubscribes_between_claim_and_send_gets_nothing(
    readers_with_news, smtp_inbox
):
    member = readers_with_news[0]
    services.claim_batch(member_ids=[member.pk])
    services.unsubscribe(member=member, source=ConsentEvent.Source.ONE_CLICK)
    result = services.send_batch(member_ids=[member.pk])
    assert result["unsubscribed"] == 1
    delivery = Delivery.objects.get(member=member)
    assert (delivery.status, delivery.reason) == ("skipped", "unsubscribed")
    assert smtp_inbox.messages == []


class Refusing(SMTPInbox):
    def __init__(self, code: str):
        super().__init__()
        self.code = code

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return self.code


@pytest.fixture
def refusing_smtp(settings):
    servers = []

    def start(code: str):
        handler = Refusing(code)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        settings.EMAIL_DELIVERY_BACKEND = SMTP_BACKEND
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        return handler

    yield start
    for controller in servers:
        controller.stop()


def test_a_passing_smtp_error_is_recorded_and_retried(readers_with_news, refusing_smtp, settings):
    member = readers_with_news[0]
    refusing_smtp("451 4.3.0 Try again later")
    with pytest.raises(services.TransientSendError):
        services.send_batch(member_ids=[member.pk])
    delivery = Delivery.objects.get(member=member)
    assert (delivery.status, delivery.reason, delivery.attempts) == ("failed", "smtp", 1)
    assert "451" in delivery.error
    # The server is back: the retry sends it, with the same Message-ID.
    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_PORT = controller.port
        assert services.send_batch(member_ids=[member.pk])["sent"] == 1
        [mail] = inbox.wait_for(1)
    finally:
        controller.stop()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason, delivery.error) == ("sent", "", "")
    assert mail["Message-ID"].strip() == delivery.message_id


def test_beat_leaves_a_recent_failure_to_its_tasks_retry_and_queues_an_abandoned_one(
    readers_with_news, refusing_smtp
):
    member = readers_with_news[0]
    refusing_smtp("451 4.3.0 Try again later")
    with pytest.raises(services.TransientSendError):
        services.send_batch(member_ids=[member.pk])
    Delivery.objects.update(created_at=timezone.now() - 2 * services.QUEUE_AGAIN_AFTER)
    assert services.stuck_claims() == []  # failed a moment ago: its retry is on its way
    later = timezone.now() + services.QUEUE_AGAIN_AFTER + timedelta(minutes=1)
    assert services.stuck_claims(now=later) == [[member.pk]]  # its retries are over


def test_a_tasks_retries_come_sooner_than_beat_queues_a_failed_digest_again():
    assert max(tasks.RETRY_DELAYS) < services.QUEUE_AGAIN_AFTER.total_seconds()


def test_a_refused_address_fails_for_good(readers_with_news, refusing_smtp):
    member = readers_with_news[0]
    refusing_smtp("550 5.1.1 No such mailbox")
    assert services.send_batch(member_ids=[member.pk])["failed"] == 1
    delivery = Delivery.objects.get(member=member)
    assert (delivery.status, delivery.reason) == ("failed", "refused")
    assert services.send_batch(member_ids=[member.pk])["failed"] == 0  # not tried again


def test_an_unreachable_server_is_a_passing_error(readers_with_news, settings):
    settings.EMAIL_DELIVERY_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    with pytest.raises(services.TransientSendError):
        services.send_batch(member_ids=[readers_with_news[0].pk])
    assert Delivery.objects.get().reason == "smtp"


def test_a_new_member_is_subscribed_weekly_with_their_consent_recorded(db):
    member = reader()
    subscription = Subscription.objects.get(pk=member.pk)
    assert subscription.time_zone
    event = ConsentEvent.objects.get(member=member)
    assert (event.source, event.before, event.after) == ("sign_up", "off", "weekly")


class CountingInbox(SMTPInbox):
    sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions += 1
        session.host_name = hostname
        return responses


def test_a_batch_is_sent_over_one_smtp_connection(readers_with_news, settings):
    inbox = CountingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_DELIVERY_BACKEND = SMTP_BACKEND
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        assert services.send_batch(member_ids=[m.pk for m in readers_with_news])["sent"] == 3
        inbox.wait_for(3)
    finally:
        controller.stop()
    assert inbox.sessions == 1


def test_vancouver_and_shanghai_are_queued_at_their_own_eight_oclock(db):
    vancouver, shanghai = UserFactory(), UserFactory()
    start = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # summer: Vancouver is on PDT
    for member, zone in ((vancouver, "America/Vancouver"), (shanghai, "Asia/Shanghai")):
        services.change_subscription(
            member=member, source="settings", now=start, frequency="daily", hour=8, time_zone=zone
        )

    def due(moment):
        return sorted(services.due(moment).values_list("pk", flat=True))

    assert due(datetime(2026, 7, 1, 14, 59, tzinfo=UTC)) == []
    assert due(datetime(2026, 7, 1, 15, 0, tzinfo=UTC)) == [vancouver.pk]  # 8:00 PDT
    assert due(datetime(2026, 7, 1, 23, 59, tzinfo=UTC)) == [vancouver.pk]
    assert due(datetime(2026, 7, 2, 0, 0, tzinfo=UTC)) == [vancouver.pk, shanghai.pk]  # 8:00 CST
    # In winter Vancouver's 8:00 is an hour later in UTC; Shanghai's does not move.
    winter = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    for member in (vancouver, shanghai):
        services.change_subscription(member=member, source="settings", now=winter, hour=9)
        services.change_subscription(member=member, source="settings", now=winter, hour=8)
    assert due(datetime(2026, 12, 1, 15, 59, tzinfo=UTC)) == []
    assert due(datetime(2026, 12, 1, 16, 0, tzinfo=UTC)) == [vancouver.pk]  # 8:00 PST


def test_naming_a_canadian_region_moves_the_digest_to_its_time_zone_unless_one_was_chosen(db):
    from members import services as member_services
    from tests.matchmaking.factories import region

    newcomer, chooser = UserFactory(), UserFactory()
    services.change_subscription(member=chooser, source="settings", time_zone="Asia/Shanghai")
    for member in (newcomer, chooser):
        member_services.update_profile(profile=member.profile, canadian_region=region("vancouver"))
    assert Subscription.objects.get(pk=newcomer.pk).time_zone == "America/Vancouver"
    assert Subscription.objects.get(pk=chooser.pk).time_zone == "Asia/Shanghai"
