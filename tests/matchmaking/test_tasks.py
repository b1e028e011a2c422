"""The beat tasks through the real worker on Redis: an open request past its deadline closes as
expired, one close to it is announced once, an unanswered invitation expires, a follow-up is asked
once it is due; the SME's owner reads each in their mailbox (the real SMTP listener), in their
language."""

from datetime import timedelta

from django.utils import timezone

from matchmaking import services
from matchmaking.models import Engagement, FollowUp, HelpRequest
from matchmaking.tasks import (
    ask_follow_ups,
    close_requests_past_their_deadline,
    expire_unanswered_engagements,
)
from notifications.models import Notification
from notifications.tasks import send_notification_emails
from tests.matchmaking.factories import expert, published, sector, sme_member


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


def test_an_unanswered_invitation_expires_through_the_worker_and_the_sme_is_told_by_mail(
    email_through_the_worker,
):
    inbox = email_through_the_worker
    owner, sme = sme_member(language="zh-hans")
    request = published(owner, sme, sectors=[sector("automotive")])
    wang = expert("Wang Fang", advice_topics=["supplier audits"], sectors=[sector("automotive")])
    invitation = services.invite_expert(request=request, expert=wang.user, actor=owner)
    Engagement.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    expire_unanswered_engagements.delay()
    expire_unanswered_engagements.delay()
    send_notification_emails.delay()
    [mail] = [message for message in inbox.wait_for(2) if message["To"] == owner.email]
    invitation.refresh_from_db()
    assert invitation.status == Engagement.Status.EXPIRED
    assert Notification.objects.filter(recipient=owner, kind="matchmaking.unanswered").count() == 1
    text = mail.get_body(("plain",)).get_content()
    assert "没有收到答复" in text
    assert request.get_absolute_url() in text


def test_follow_ups_are_asked_30_and_90_days_after_through_the_worker_by_mail(
    email_through_the_worker,
):
    inbox = email_through_the_worker
    owner, sme = sme_member(language="en")
    request = published(owner, sme, title="Selling brake parts to an Ontario assembler")
    wang = expert("Wang Fang", advice_topics=["supplier audits"], sectors=[sector("automotive")])
    invitation = services.invite_expert(request=request, expert=wang.user, actor=owner)
    services.accept(engagement=invitation, actor=wang.user)
    services.complete_engagement(engagement=invitation, actor=owner)
    thirty, ninety = FollowUp.objects.order_by("after_days")
    FollowUp.objects.filter(pk=thirty.pk).update(due_at=timezone.now())
    Notification.objects.update(email_pending=False)  # the invitation's mails went out long ago

    ask_follow_ups.delay()
    ask_follow_ups.delay()  # beat may run it twice: the SME is asked once
    send_notification_emails.delay()
    [mail] = inbox.wait_for(1)
    assert mail["To"] == owner.email
    text = mail.get_body(("plain",)).get_content()
    assert "What did your SME do with the help on “Selling brake parts" in text
    assert thirty.get_absolute_url() in text
    assert Notification.objects.filter(kind="matchmaking.follow_up").count() == 1
    ninety.refresh_from_db()
    assert ninety.asked_at is None
