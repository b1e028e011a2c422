"""Starting conversations and writing in them: who may write to whom, limits, rendering,
notifications, and the conversations other apps own."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from conversations import access, selectors, services
from conversations.models import Block, Conversation, Message, Participant, WhoMayWrite
from members import services as member_services
from members.models import Organisation
from members.trust import TrustLevel
from notifications.models import Notification
from tests.conversations.factories import add_message, conversation, member
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def refusal(author, recipient, **kwargs) -> str:
    with pytest.raises(ValidationError) as raised:
        services.start_conversation(author=author, recipients=[recipient], body="Hello", **kwargs)
    return " ".join(raised.value.message_dict["recipients"])


def test_start_conversation_opens_it_with_a_first_message_and_everyone_in_it(alice, bob, carol):
    chat = services.start_conversation(
        author=alice, recipients=[bob, carol, bob], subject=" Intro ", body="Hi **both**"
    )
    assert chat.subject == "Intro"
    assert set(chat.participants.values_list("member", flat=True)) == {alice.pk, bob.pk, carol.pk}
    message = chat.messages.get()
    assert (message.author, message.body) == (alice, "Hi **both**")
    assert "<strong>both</strong>" in message.html


def test_the_other_participants_are_notified_batched_per_conversation(alice, bob, carol):
    chat = services.start_conversation(author=alice, recipients=[bob, carol], body="Hello there")
    notes = Notification.objects.filter(kind="conversations.message")
    assert sorted(notes.values_list("recipient", flat=True)) == sorted([bob.pk, carol.pk])
    note = notes.get(recipient=bob)
    assert note.actor == alice
    assert note.batch_key == f"conversation:{chat.pk}"
    assert note.url == f"/messages/{chat.pk}/"
    assert note.subject == "Hello there"  # no subject: an excerpt of the message
    Message.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    services.send_message(author=bob, conversation=chat, body="Hi Alice")
    assert notes.filter(recipient=alice).count() == 1
    assert notes.filter(recipient=bob).count() == 1  # the author is not notified of their own


def test_markdown_is_sanitised(alice, bob):
    chat = services.start_conversation(
        author=alice,
        recipients=[bob],
        body='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )
    html = chat.messages.get().html
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it was
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    ("setting", "shares_organisation", "allowed"),
    [
        (WhoMayWrite.ANYONE, False, True),
        (WhoMayWrite.ORGANISATIONS, False, False),
        (WhoMayWrite.ORGANISATIONS, True, True),
        (WhoMayWrite.NOBODY, True, False),
    ],
)
def test_who_may_write_matrix(alice, bob, setting, shares_organisation, allowed):
    services.set_who_may_write(member=bob, who=setting)
    if shares_organisation:
        organisation = member_services.create_organisation(creator=bob, name="Harbour", kind="sme")
        MembershipFactory(organisation=organisation, user=alice)
    assert bool(access.may_write_to(alice, bob)) is allowed
    if allowed:
        services.start_conversation(author=alice, recipients=[bob], body="Hello")
    else:
        assert refusal(alice, bob) == "Bob Tremblay does not accept messages from you."


def test_a_block_either_way_reads_the_same_to_the_blocked(alice, bob):
    services.block_member(member=bob, blocked=alice)
    assert access.may_write_to(alice, bob).reason == access.Refusal.BLOCKED
    assert refusal(alice, bob) == "Bob Tremblay does not accept messages from you."
    assert "block" not in refusal(alice, bob).lower()
    # The blocker is told it is their own block.
    assert "unblock" in refusal(bob, alice)
    services.unblock_member(member=bob, blocked=alice)
    services.start_conversation(author=alice, recipients=[bob], body="Hello again")


def test_a_block_stops_replies_between_two(alice, bob):
    chat = conversation(alice, bob)
    services.block_member(member=bob, blocked=alice)
    with pytest.raises(ValidationError) as raised:
        services.send_message(author=alice, conversation=chat, body="Are you there?")
    assert raised.value.message_dict["body"] == ["Bob Tremblay does not accept messages from you."]


def test_blocking_twice_changes_nothing_and_self_is_refused(alice, bob):
    services.block_member(member=alice, blocked=bob)
    services.block_member(member=alice, blocked=bob)
    assert Block.objects.count() == 1
    with pytest.raises(ValidationError):
        services.block_member(member=alice, blocked=alice)


def test_nobody_writes_to_themselves_nor_to_absent_members(alice):
    assert refusal(alice, alice) == "You cannot write to yourself."
    unfinished = UserFactory(display_name="Not Yet")
    assert refusal(alice, unfinished) == "Not Yet does not accept messages from you."
    gone = member(display_name="Gone Away", is_active=False)
    assert refusal(alice, gone) == "Gone Away does not accept messages from you."


def test_refusals_never_show_an_email_address(alice):
    hidden = member(display_name="Quiet One", email="quiet.one@example.org")
    services.set_who_may_write(member=hidden, who=WhoMayWrite.NOBODY)
    assert "example.org" not in refusal(alice, hidden)


def test_an_author_who_has_not_finished_onboarding_cannot_write(bob):
    newcomer = UserFactory()
    with pytest.raises(ValidationError):
        services.start_conversation(author=newcomer, recipients=[bob], body="Hi")


# --- Trust limits -------------------------------------------------------------------------------


def test_new_members_write_to_two_members_at_a_time(bob, carol):
    newcomer = member(trust_level=TrustLevel.NEW)
    third = member()
    with pytest.raises(ValidationError) as raised:
        services.start_conversation(author=newcomer, recipients=[bob, carol, third], body="Hi")
    assert "2 members at a time" in " ".join(raised.value.message_dict["recipients"])
    services.start_conversation(author=newcomer, recipients=[bob, carol], body="Hi")


def test_new_members_write_five_messages_a_day(bob):
    newcomer = member(trust_level=TrustLevel.NEW)
    chat = conversation(newcomer, bob, messages=0)
    for number in range(5):
        add_message(chat, newcomer, f"{number}", at=timezone.now() - timedelta(hours=number + 1))
    with pytest.raises(ValidationError) as raised:
        services.send_message(author=newcomer, conversation=chat, body="One more")
    assert raised.value.message_dict["body"][0].startswith("You can send 5 private messages a day")
    Message.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    services.send_message(author=newcomer, conversation=chat, body="A new day")


def test_members_pause_between_two_messages(alice, bob):
    chat = conversation(alice, bob)
    add_message(chat, alice, "Just now", at=timezone.now())
    with pytest.raises(ValidationError) as raised:
        services.send_message(author=alice, conversation=chat, body="Again")
    assert "please wait" in raised.value.message_dict["body"][0]


def test_new_members_send_no_images_and_few_links(bob):
    newcomer = member(trust_level=TrustLevel.NEW)
    with pytest.raises(ValidationError) as raised:
        services.start_conversation(
            author=newcomer,
            recipients=[bob],
            body="![map](/static/img/favicon.svg) [a](https://a.example) [b](https://b.example) "
            "[c](https://c.example)",
        )
    errors = " ".join(raised.value.message_dict["body"])
    assert "images" in errors
    assert "links" in errors
    assert not Conversation.objects.exists()


def test_bodies_too_long_or_with_nul_are_refused(alice, bob):
    for body in ("x" * 10_001, "a\x00b", "   "):
        with pytest.raises(ValidationError) as raised:
            services.start_conversation(author=alice, recipients=[bob], body=body)
        assert "body" in raised.value.message_dict


# --- Reading ------------------------------------------------------------------------------------


def test_unread_counts_follow_what_each_member_read(alice, bob):
    chat = conversation(alice, bob, messages=3)
    [seat] = selectors.inbox(member=bob).items
    assert seat.unread == 3
    assert [other.display_name for other in seat.others] == ["Alice Chen"]
    assert selectors.inbox(member=alice).items[0].unread == 0
    services.mark_read(member=bob, conversation=chat)
    assert selectors.inbox(member=bob).items[0].unread == 0
    add_message(chat, alice, "Another")
    assert selectors.inbox(member=bob).items[0].unread == 1


def test_inbox_is_most_recent_first_page_by_page(alice, bob):
    chats = [
        conversation(alice, bob, subject=f"Chat {n}", ago=timedelta(hours=n)) for n in range(5)
    ]
    first = selectors.inbox(member=bob, size=2)
    second = selectors.inbox(member=bob, size=2, cursor=first.next_cursor)
    third = selectors.inbox(member=bob, size=2, cursor=second.next_cursor)
    shown = [seat.conversation for page in (first, second, third) for seat in page.items]
    assert shown == chats
    assert third.next_cursor is None


# --- Conversations other apps own ---------------------------------------------------------------


def test_open_owned_conversation_is_idempotent_and_ignores_who_may_write(alice, bob, carol):
    owner = OrganisationFactory()  # stands in for an engagement
    services.set_who_may_write(member=bob, who=WhoMayWrite.NOBODY)
    services.block_member(member=bob, blocked=alice)
    first = services.open_owned_conversation(owner=owner, participants=[alice, bob], subject="Go")
    again = services.open_owned_conversation(owner=owner, participants=[alice, bob, carol])
    assert first.pk == again.pk
    assert again.owner == owner
    assert first.owner_type == ContentType.objects.get_for_model(Organisation)
    assert Participant.objects.filter(conversation=first).count() == 3
    assert not Notification.objects.exists()
    message = services.send_message(author=alice, conversation=first, body="Let's begin")
    assert message.conversation_id == first.pk
    assert Notification.objects.filter(recipient=bob).exists()
