"""manage.py send_digests: --preview shows a member's next digest and records nothing; --now
sends the due ones."""

import pytest
from django.core.management import CommandError, call_command

from digests.models import Delivery, Subscription
from tests.digests.conftest import news, reader

pytestmark = pytest.mark.django_db


def test_preview_prints_the_text_part_and_records_nothing(capsys):
    news()
    member = reader()
    before = Subscription.objects.get(pk=member.pk).next_due_at
    call_command("send_digests", "--preview", member.email)
    out, err = capsys.readouterr()
    assert "Automotive news 2" in out
    assert "/digests/unsubscribe/" in out
    assert "would be sent" in err
    assert not Delivery.objects.exists()
    assert Subscription.objects.get(pk=member.pk).next_due_at == before
    call_command("send_digests", "--preview", member.profile.handle)
    assert "Automotive news 2" in capsys.readouterr().out


def test_preview_says_why_a_digest_would_be_skipped(capsys):
    member = reader()
    call_command("send_digests", "--preview", member.email)
    assert "would be skipped: too_little" in capsys.readouterr().err


def test_preview_of_no_one_is_a_clear_error():
    with pytest.raises(CommandError, match="No member"):
        call_command("send_digests", "--preview", "nobody@example.org")


def test_now_sends_the_due_digests(capsys, settings):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    news()
    members = [reader() for _ in range(3)]
    call_command("send_digests", "--now")
    assert "3 due: claimed 3" in capsys.readouterr().out
    assert Delivery.objects.filter(status="sent").count() == len(members)
    call_command("send_digests", "--now")
    assert "0 due" in capsys.readouterr().out
