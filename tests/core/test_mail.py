import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from core.mail import message_from_data, message_to_data
from core.tasks import deliver_email


def test_a_message_survives_the_trip_through_the_task_queue():
    original = EmailMultiAlternatives(
        subject="Bienvenue — 欢迎",
        body="Plain text",
        from_email="KnowBridge <no-reply@knowbridge.local>",
        to=["li.wei@example.org"],
        reply_to=["help@knowbridge.local"],
        headers={"List-Id": "digests.knowbridge.local"},
        alternatives=[("<p>HTML</p>", "text/html")],
    )
    rebuilt = message_from_data(message_to_data(original))
    assert rebuilt.subject == original.subject
    assert rebuilt.body == original.body
    assert rebuilt.to == original.to
    assert rebuilt.reply_to == original.reply_to
    assert rebuilt.extra_headers == {"List-Id": "digests.knowbridge.local"}
    assert list(rebuilt.alternatives) == [("<p>HTML</p>", "text/html")]


def test_delivery_task_sends_over_smtp(smtp_inbox):
    message = EmailMultiAlternatives(
        subject="Bonjour",
        body="Texte",
        to=["marie@example.org"],
        alternatives=[("<p>Texte</p>", "text/html")],
    )
    assert deliver_email.run(message_to_data(message)) == 1
    [received] = smtp_inbox.wait_for(1)
    assert received["To"] == "marie@example.org"
    assert received["Subject"] == "Bonjour"
    assert {part.get_content_type() for part in received.walk()} >= {"text/plain", "text/html"}


@pytest.mark.redis
def test_sign_up_mail_goes_through_a_real_worker_to_a_real_smtp_server(
    client, settings, smtp_inbox, celery_worker_on_redis
):
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "Zhang Min",
            "email": "zhang.min@example.org",
            "password1": "harbour-lights-2026",
            "password2": "harbour-lights-2026",
        },
    )
    assert response.status_code == 302
    assert mail.outbox == []  # handed to Celery, not sent by the request
    [received] = smtp_inbox.wait_for(1)
    assert received["To"] == "zhang.min@example.org"
    assert received["Subject"].startswith("[KnowBridge]")
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Hello Zhang Min," in text
    link = re.search(r"http://testserver/accounts/confirm-email/\S+/", text).group()
    assert link in html
