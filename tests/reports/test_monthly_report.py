"""The monthly report: mailed by beat to every administrator in their own language, as text and
HTML with the key figures and bars, once per month whatever runs twice."""

from datetime import date

import pytest
from django.utils import timezone

from reports import services, tasks
from reports.models import MonthlyReportMail
from tests.conftest import SMTP_BACKEND
from tests.members.factories import UserFactory
from tests.reports.factories import administrator as make_administrator
from tests.reports.factories import at, build_world, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrators():
    build_world()
    return [
        make_administrator(language="en", email="ada.admin@example.org"),
        make_administrator(language="fr", email="francine.admin@example.org"),
    ]


def test_each_administrator_gets_the_report_in_their_language(administrators, smtp_inbox):
    staff("Moderators", email="mo@example.org")
    UserFactory(email="member@example.org")
    assert services.send_monthly_report(month=date(2026, 3, 1)) == 2
    mails = {mail["To"]: mail for mail in smtp_inbox.wait_for(2)}
    assert set(mails) == {"ada.admin@example.org", "francine.admin@example.org"}
    english, french = mails["ada.admin@example.org"], mails["francine.admin@example.org"]
    assert english["Subject"] == "[KnowBridge] Monthly report for March 2026"
    assert "mars 2026" in french["Subject"]
    assert english.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in english.iter_parts()] == [
        "text/plain",
        "text/html",
    ]


def test_the_mail_holds_the_key_figures_and_bars(administrators, smtp_inbox):
    services.send_monthly_report(month=date(2026, 3, 1))
    mail = next(m for m in smtp_inbox.wait_for(2) if m["To"] == "ada.admin@example.org")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Signed up in the range: 3" in text
    assert "Resolved: 1" in text
    assert "Waterloo Region ↔ Suzhou: 1" in text
    assert "From request to resolution" in html
    assert 'width="100%" style="min-width:2px;"' in html  # the longest bar
    assert "/reports/?from=2026-03-01&amp;to=2026-03-31" in html


def test_a_second_run_mails_no_one_twice(administrators, smtp_inbox):
    first = services.send_monthly_report(month=date(2026, 3, 1))
    second = services.send_monthly_report(month=date(2026, 3, 1))
    assert (first, second) == (2, 0)
    smtp_inbox.wait_for(2)
    assert len(smtp_inbox.messages) == 2
    assert MonthlyReportMail.objects.filter(sent_at__isnull=False).count() == 2


def test_an_administrator_added_later_still_gets_the_month(administrators, smtp_inbox):
    services.send_monthly_report(month=date(2026, 3, 1))
    make_administrator(email="late@example.org")
    assert services.send_monthly_report(month=date(2026, 3, 1)) == 1
    assert smtp_inbox.wait_for(3)[-1]["To"] == "late@example.org"


def test_the_beat_task_sends_last_month(administrators, smtp_inbox, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(4, 2, 8))
    assert tasks.send_monthly_report() == 2
    assert set(MonthlyReportMail.objects.values_list("month", flat=True)) == {date(2026, 3, 1)}


def test_a_refused_mail_is_not_recorded_so_the_retry_sends_it(administrators, settings):
    settings.EMAIL_DELIVERY_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with pytest.raises(ConnectionRefusedError):
        services.send_monthly_report(month=date(2026, 3, 1))
    assert not MonthlyReportMail.objects.exists()


def test_the_monthly_report_and_the_daily_counts_are_scheduled(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.tasks.send_monthly_report" in tasks_scheduled
    assert "reports.tasks.refresh_daily_counts" in tasks_scheduled
