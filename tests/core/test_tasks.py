from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def make_session(expires_in: timedelta) -> str:
    session = SessionStore()
    session["member"] = 1
    session.create()
    Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() + expires_in)
    return session.session_key


def test_clean_up_removes_expired_sessions_and_keeps_live_ones():
    make_session(timedelta(days=-1))
    live = make_session(timedelta(days=1))
    assert clear_expired_sessions() == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [live]


def test_clean_up_is_scheduled_by_beat(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.tasks.clear_expired_sessions" in scheduled
