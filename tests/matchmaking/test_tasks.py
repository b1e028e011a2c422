"""The deadline task through the real worker on Redis: an open request past its deadline closes as
expired, one close to it is announced once, and the SME's owner reads it in their mailbox (the
real SMTP listener), in their language."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matchmaking.models import HelpRequest
from matchmaking.tasks import close_requests_past_their_deadline
from notifications.models import Notification
from notifications.tasks import send_notification_emails
from tests.matchmaking.factories import published, sme_member


@pytest.fixture
def email_through_the_worker(settings, seeded_transactional_db, smtp_inbox, celery_worker_on_redis):
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    return smtp_inbox


def test_the_deadline_task_closes_expired_requests_and_warns_of_close_ones(
    email_through_the_worker,
):
    inbox = email_through_the_worker
    owner, sme = sme_member(language="fr", display_name="Marie Tremblay")
    late = published(owner, sme, title="Vendre des plaquettes de frein en Ontario")
    soon = published(owner, sme, title="Trouver un distributeur à Calgary")
    today = timezone.localdate()
    HelpRequest.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=1))
    HelpRequest.objects.filter(pk=soon.pk).update(deadline=today + timedelta(days=2))

    close_requests_past_their_deadline.delay()
    close_requests_past_their_deadline.delay()  # beat may run it twice: nothing happens twice
    send_notification_emails.delay()  # the one worker takes them in order
    mails = inbox.wait_for(2)
    assert {message["To"] for message in mails} == {owner.email}
    late.refresh_from_db()
    assert (late.status, late.closure) == ("closed", "expired")
    assert Notification.objects.filter(recipient=owner).count() == 2
    text = "\n".join(message.get_body(("plain",)).get_content() for message in mails)
    text = text.replace("\N{NO-BREAK SPACE}", " ")
    assert "« Vendre des plaquettes de frein en Ontario » a dépassé son échéance" in text
    assert "« Trouver un distributeur à Calgary » arrive à échéance" in text
