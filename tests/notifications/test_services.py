"""Sending notifications, reading them and members' choices, through the services."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from notifications import registry, services
from notifications.models import Notification, Preference
from notifications.registry import Delivery, Kind
from tests.members.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_a_kind_is_registered_once(reply_kind):
    assert registry.kind("test_reply") is reply_kind
    assert reply_kind in registry.kinds()
    with pytest.raises(ValueError, match="already registered"):
        registry.register(Kind("test_reply", "Again", "%(actor)s"))


def test_notify_writes_one_row_per_recipient_but_not_for_the_actor(reply_kind):
    actor, first, second = UserFactory.create_batch(3)
    count = services.notify(
        recipients=[actor, first, second, first],
        kind=reply_kind,
        actor=actor,
        subject="Opening a bank account in Shenzhen",
        url="/forums/t/7/",
        target=first,
        batch_key="thread:7",
    )
    assert count == 2
    rows = Notification.objects.order_by("recipient_id")
    assert [row.recipient for row in rows] == [first, second]
    row = rows[0]
    assert (row.kind, row.actor, row.subject, row.url) == (
        "test_reply",
        actor,
        "Opening a bank account in Shenzhen",
        "/forums/t/7/",
    )
    assert row.target == first
    assert row.batch_key == "thread:7"
    assert row.read_at is None
    assert row.email_pending  # the kind's default is e-mail


def test_notify_takes_a_kind_key_too(reply_kind):
    assert services.notify(recipients=[UserFactory()], kind="test_reply", subject="S", url="/x/")


def test_notify_skips_inactive_members_and_those_who_turned_the_kind_off(reply_kind):
    inactive = UserFactory(is_active=False)
    off = UserFactory()
    in_app = UserFactory()
    services.set_preferences(member=off, deliveries={"test_reply": Delivery.OFF})
    services.set_preferences(member=in_app, deliveries={"test_reply": Delivery.IN_APP})
    count = services.notify(
        recipients=[inactive, off, in_app], kind=reply_kind, subject="S", url="/forums/"
    )
    assert count == 1
    row = Notification.objects.get()
    assert row.recipient == in_app
    assert not row.email_pending


def test_the_default_of_a_kind_applies_without_a_choice(quiet_kind):
    member = UserFactory()
    services.notify(recipients=[member], kind=quiet_kind, subject="S", url="/forums/")
    assert not Notification.objects.get().email_pending


def test_notify_refuses_an_unknown_kind_or_a_link_off_the_site(reply_kind):
    member = UserFactory()
    with pytest.raises(KeyError):
        services.notify(recipients=[member], kind="no_such_kind", subject="S", url="/x/")
    for url in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="path on the site"):
            services.notify(recipients=[member], kind=reply_kind, subject="S", url=url)
    assert not Notification.objects.exists()


def test_a_long_subject_is_cut_to_fit(reply_kind):
    services.notify(recipients=[UserFactory()], kind=reply_kind, subject="长" * 400, url="/x/")
    assert len(Notification.objects.get().subject) == 300


def test_notify_with_nobody_to_tell_writes_nothing(reply_kind):
    actor = UserFactory()
    count = services.notify(recipients=[actor], kind=reply_kind, actor=actor, subject="S", url="/")
    assert count == 0
    assert not Notification.objects.exists()


def test_mark_read_marks_only_the_members_own_notifications():
    member, other = UserFactory.create_batch(2)
    mine = NotificationFactory.create_batch(3, recipient=member)
    theirs = NotificationFactory(recipient=other)
    assert services.mark_read(member=member, ids=[mine[0].pk, theirs.pk]) == 1
    mine[0].refresh_from_db()
    theirs.refresh_from_db()
    assert mine[0].read_at is not None
    assert not mine[0].email_pending  # read on the site: not mailed afterwards
    assert theirs.read_at is None
    assert theirs.email_pending
    assert services.mark_read(member=member) == 2
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert services.mark_read(member=member) == 0  # again: nothing left to mark


def test_set_preferences_creates_then_changes_a_choice(reply_kind, quiet_kind):
    member = UserFactory()
    services.set_preferences(
        member=member, deliveries={"test_reply": Delivery.IN_APP, "test_mention": Delivery.EMAIL}
    )
    services.set_preferences(member=member, deliveries={"test_reply": Delivery.OFF})
    assert dict(Preference.objects.filter(member=member).values_list("kind", "delivery")) == {
        "test_reply": "off",
        "test_mention": "email",
    }


def test_turning_mail_off_drops_the_mail_not_yet_sent(reply_kind):
    member = UserFactory()
    waiting = NotificationFactory(recipient=member, kind="test_reply")
    services.set_preferences(member=member, deliveries={"test_reply": Delivery.IN_APP})
    waiting.refresh_from_db()
    assert not waiting.email_pending
    assert waiting.read_at is None  # still in the list


def test_set_preferences_refuses_unknown_kinds_and_deliveries(reply_kind):
    member = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.set_preferences(
            member=member, deliveries={"no_such_kind": Delivery.OFF, "test_reply": "loud"}
        )
    assert set(error.value.message_dict) == {"no_such_kind", "test_reply"}
    assert not Preference.objects.exists()


def test_one_preference_per_member_and_kind():
    member = UserFactory()
    Preference.objects.create(member=member, kind="k", delivery=Delivery.OFF)
    with pytest.raises(IntegrityError):
        Preference.objects.create(member=member, kind="k", delivery=Delivery.EMAIL)
