"""Trust levels: what a member may post, how fast, and who sets the level."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from members import services
from members.trust import Action, TrustLevel, check_content, check_pace, check_recipients
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_member_reaches_the_daily_thread_limit_and_is_told_how_it_rises():
    newcomer = UserFactory()
    check_pace(newcomer, Action.THREAD, posted_today=2, last_posted_at=None)
    with pytest.raises(ValidationError) as refused:
        check_pace(newcomer, Action.THREAD, posted_today=3, last_posted_at=None)
    assert refused.value.code == "daily_limit"
    assert "3 threads a day" in refused.value.message
    assert "rises as you read" in refused.value.message


def test_trusted_members_have_a_higher_limit_but_still_one():
    regular = UserFactory(trust_level=TrustLevel.REGULAR)
    check_pace(regular, Action.REPLY, posted_today=150, last_posted_at=None)
    with pytest.raises(ValidationError, match="come back tomorrow"):
        check_pace(regular, Action.REPLY, posted_today=200, last_posted_at=None)


def test_posting_again_within_the_pause_says_how_long_to_wait():
    newcomer = UserFactory()
    with pytest.raises(ValidationError, match=r"wait \d+ seconds") as refused:
        check_pace(newcomer, Action.REPLY, posted_today=1, last_posted_at=timezone.now())
    assert refused.value.code == "too_fast"
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    check_pace(newcomer, Action.REPLY, posted_today=1, last_posted_at=a_minute_ago)


def test_new_members_are_limited_in_links_mentions_and_images():
    newcomer = UserFactory()
    errors = check_content(newcomer, links=3, mentions=3, images=1)
    assert [error.code for error in errors] == [
        "too_many_links",
        "too_many_mentions",
        "no_images",
    ]
    assert check_content(newcomer, links=2, mentions=2, images=0) == []
    assert (
        check_content(UserFactory(trust_level=TrustLevel.BASIC), links=3, mentions=3, images=1)
        == []
    )


def test_new_members_write_to_few_people_at_once():
    newcomer = UserFactory()
    check_recipients(newcomer, 2)
    with pytest.raises(ValidationError, match="2 members at a time"):
        check_recipients(newcomer, 3)


def test_staff_are_not_limited():
    staff = UserFactory(is_staff=True)
    check_pace(staff, Action.THREAD, posted_today=1000, last_posted_at=timezone.now())
    assert check_content(staff, links=100, mentions=100, images=5) == []
    check_recipients(staff, 50)


def test_staff_set_a_level_and_it_is_audited():
    staff, member = UserFactory(is_staff=True), UserFactory()
    services.set_trust_level(
        user=member, level=TrustLevel.REGULAR, actor=staff, reason="Known expert"
    )
    member.refresh_from_db()
    assert member.trust_level == TrustLevel.REGULAR
    event = AuditEvent.objects.get(action="account.trust_level_set")
    assert (event.actor, event.reason, event.details) == (
        staff,
        "Known expert",
        {"trust_level": [0, 3]},
    )


def test_a_member_cannot_set_a_level_and_a_promotion_is_not_audited():
    member, other = UserFactory(), UserFactory()
    with pytest.raises(PermissionDenied):
        services.set_trust_level(user=other, level=TrustLevel.LEADER, actor=member)
    services.set_trust_level(user=other, level=TrustLevel.BASIC, actor=None)
    other.refresh_from_db()
    assert other.trust_level == TrustLevel.BASIC
    assert not AuditEvent.objects.filter(action="account.trust_level_set").exists()
