import email
import email.policy
import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection

from core.mail import WrittenAlternatives, message_from_data, message_to_data
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


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(
        message.message().as_bytes(linesep="\r\n"), policy=email.policy.default
    )


def both_ways(**fields):
    html = fields.pop("html", "<p>Bonjour é 你好</p>\n")
    defaults = {
        "subject": "[KnowBridge] Votre bulletin : 3 nouveautés 你好",
        "body": "Bonjour\n\nLigne deux é\nFrom the start\n.dot\n",
        "from_email": "KnowBridge <digest@knowbridge.local>",
        "to": ["li@example.org"],
        "headers": {"Message-ID": "<a.b@knowbridge.local>", "List-Id": "digest.knowbridge"},
    }
    written = WrittenAlternatives(**defaults | fields, alternatives=[(html, "text/html")])
    django = EmailMultiAlternatives(**defaults | fields, alternatives=[(html, "text/html")])
    return written, django


@pytest.mark.parametrize("subject", ["Plain subject", "Votre bulletin : 3 nouveautés " * 6])
def test_a_written_mail_reads_as_djangos_own(subject):
    written, django = both_ways(subject=subject)
    ours, theirs = parsed(written), parsed(django)
    assert sorted(ours.keys()) == sorted(theirs.keys())
    for name in ("Subject", "From", "To", "Message-ID", "List-Id", "MIME-Version"):
        assert ours[name].strip() == theirs[name].strip()
    assert ours.get_content_type() == "multipart/alternative"
    assert [(p.get_content_type(), p.get_content()) for p in ours.iter_parts()] == [
        (p.get_content_type(), p.get_content()) for p in theirs.iter_parts()
    ]
    assert all(p["Content-Transfer-Encoding"] == "8bit" for p in ours.iter_parts())


def test_a_written_mails_boundary_is_not_in_its_text(monkeypatch):
    tokens = iter(["aa", "bb"])
    monkeypatch.setattr("core.mail.secrets.token_hex", lambda size: next(tokens))
    written, _ = both_ways(body="a line with ===============aa== in it\n")
    assert 'boundary="===============bb=="' in written.message().as_string()


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "x" * 1200},  # a line 8bit may not carry
        {"cc": ["copy@example.org"]},
        {"to": ["lì@exämple.org"]},
        {"headers": {"List-Id": "Bulletin é <digest.knowbridge>"}},
    ],
    ids=["long line", "copy", "non-ASCII address", "non-ASCII header"],
)
def test_mail_outside_the_plain_case_is_built_by_django(fields):
    written, django = both_ways(**fields)
    assert type(written.message()) is type(django.message())
    assert parsed(written).get_body(("plain",)).get_content() == (
        parsed(django).get_body(("plain",)).get_content()
    )


def test_a_written_mail_goes_over_smtp(smtp_inbox, settings):
    written, _ = both_ways()
    assert get_connection(settings.EMAIL_DELIVERY_BACKEND).send_messages([written]) == 1
    [received] = smtp_inbox.wait_for(1)
    assert received["Subject"] == "[KnowBridge] Votre bulletin : 3 nouveautés 你好"
    assert received.get_body(("html",)).get_content().splitlines() == ["<p>Bonjour é 你好</p>"]
