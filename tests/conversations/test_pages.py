"""The messages pages as each kind of visitor sees them."""

import pytest
from django.urls import reverse

from conversations import services
from conversations.models import Block, Conversation, MessagingSettings, WhoMayWrite
from members.models import Profile
from members.services import update_profile
from tests.conversations.factories import add_message, conversation, member
from tests.members.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

SUBJECT = "Supply chains in Shenzhen"
BODY = "about 深圳 suppliers"


def page(client, user, url, **kwargs):
    if user is not None:
        client.force_login(user)
    return client.get(url, **kwargs)


@pytest.fixture
def chat(alice, bob):
    return conversation(alice, bob, subject=SUBJECT)


# --- Who sees a conversation -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["author", "recipient"])
def test_participants_read_the_conversation(client, chat, alice, bob, role):
    response = page(client, {"author": alice, "recipient": bob}[role], f"/messages/{chat.pk}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert SUBJECT in content
    assert BODY in content
    assert "Reply" in content


@pytest.mark.parametrize("role", ["other member", "staff", "anonymous"])
def test_anyone_else_gets_not_found_and_sees_nothing(client, chat, role):
    viewer = {
        "other member": member(),
        "staff": with_authenticator(UserFactory(is_staff=True)),
        "anonymous": None,
    }
    response = page(client, viewer[role], f"/messages/{chat.pk}/")
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 404
    assert SUBJECT not in response.content.decode()
    assert BODY not in response.content.decode()


def test_an_outsider_cannot_write_into_a_conversation(client, chat, carol):
    client.force_login(carol)
    response = client.post(f"/messages/{chat.pk}/", {"body": "Let me in"})
    assert response.status_code == 404
    assert not chat.messages.filter(body="Let me in").exists()


def test_walked_ids_all_answer_not_found(client, alice, bob, carol):
    theirs = [conversation(alice, bob, subject=f"Private {n}") for n in range(3)]
    client.force_login(carol)
    for number in range(theirs[0].pk - 1, theirs[-1].pk + 3):
        response = client.get(f"/messages/{number}/")
        assert response.status_code == 404
        assert "Private" not in response.content.decode()


# --- Inbox --------------------------------------------------------------------------------------


def test_inbox_shows_unread_conversations_with_the_others_names(client, chat, alice, bob):
    response = page(client, bob, "/messages/")
    content = response.content.decode()
    assert "Alice Chen" in content
    assert SUBJECT in content
    assert "1 unread message" in content
    assert alice.email not in content
    client.get(f"/messages/{chat.pk}/")  # reading it
    assert "unread" not in client.get("/messages/").content.decode().split("<main")[1]


@pytest.mark.parametrize(("language", "separator"), [("en", ", "), ("zh-hans", "、")])
def test_the_others_are_listed_as_the_reader_language_lists(
    client, alice, bob, carol, language, separator
):
    chat = conversation(alice, bob, carol, subject=SUBJECT)
    headers = {"headers": {"accept-language": language}}
    inbox = page(client, alice, "/messages/", **headers).content.decode()
    assert f"Bob Tremblay{separator}Carol Wang" in inbox
    detail = page(client, alice, f"/messages/{chat.pk}/", **headers).content.decode()
    assert f"Bob Tremblay</a>{separator}<a " in detail


def test_inbox_pages_older_conversations(client, alice, bob):
    for number in range(23):
        conversation(alice, bob, subject=f"Topic {number}")
    first = page(client, bob, "/messages/").content.decode()
    assert first.count('class="conversation-item') == 20
    cursor = first.split('rel="next" href="?cursor=')[1].split('"')[0]
    second = client.get(f"/messages/?cursor={cursor}").content.decode()
    assert second.count('class="conversation-item') == 3


def test_inbox_needs_a_login(client):
    response = client.get("/messages/")
    assert response.status_code == 302


# --- Writing ------------------------------------------------------------------------------------


def test_new_message_from_a_profile_preselects_the_member(client, alice, bob):
    handle = bob.profile.handle
    content = page(client, alice, f"/messages/new/?to={handle}").content.decode()
    assert f'value="{handle}"' in content
    assert "Bob Tremblay" in content
    response = client.post(
        "/messages/new/", {"to": handle, "subject": "Hello", "body": "Nice to *meet* you"}
    )
    chat = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == f"/messages/{chat.pk}/"
    assert "<em>meet</em>" in client.get(response.url).content.decode()


def test_several_recipients_by_handle(client, alice, bob, carol):
    client.force_login(alice)
    client.post(
        "/messages/new/",
        {"to": f"{bob.profile.handle}, @{carol.profile.handle}", "body": "Hello both"},
    )
    chat = Conversation.objects.get()
    assert chat.participants.count() == 3


def test_someone_who_does_not_accept_messages_is_named_and_the_text_kept(client, alice, bob):
    services.set_who_may_write(member=bob, who=WhoMayWrite.NOBODY)
    client.force_login(alice)
    response = client.post(
        "/messages/new/",
        {"to": bob.profile.handle, "subject": "Kept subject", "body": "Kept body text"},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in content
    assert "Bob Tremblay does not accept messages from you." in content
    assert "Kept subject" in content
    assert "Kept body text" in content
    assert bob.email not in content
    assert not Conversation.objects.exists()


def test_unknown_and_hidden_handles_are_the_same_unknown(client, alice, bob):
    update_profile(profile=bob.profile, listing=Profile.Listing.HIDDEN)
    client.force_login(alice)
    for handle in (bob.profile.handle, "nosuchmember"):
        response = client.post("/messages/new/", {"to": handle, "body": "Hello"})
        assert response.status_code == 400
        assert f"No member has the handle {handle}." in response.content.decode()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("a\x00b", "Null characters are not allowed."),
        ("x" * 10_001, "Ensure this value has at most 10000 characters"),
        ("", "This field is required."),
    ],
)
def test_bad_bodies_are_form_errors_keeping_the_text(client, chat, alice, body, error):
    client.force_login(alice)
    response = client.post(f"/messages/{chat.pk}/", {"body": body})
    assert response.status_code == 400
    assert error in response.content.decode()
    if body and "\x00" not in body:
        assert body in response.content.decode()
    assert chat.messages.count() == 1


def test_reply_goes_to_the_message(client, chat, bob):
    client.force_login(bob)
    response = client.post(f"/messages/{chat.pk}/", {"body": "Thanks, <script>x()</script>"})
    message = chat.messages.latest("pk")
    assert response.url == f"/messages/{chat.pk}/#message-{message.pk}"
    content = client.get(f"/messages/{chat.pk}/").content.decode()
    assert "Thanks, &lt;script&gt;x()&lt;/script&gt;" in content
    assert "<script>x()" not in content


def test_a_long_conversation_shows_its_latest_messages_and_links_to_earlier(client, chat, alice):
    for number in range(40):
        add_message(chat, alice, f"Numbered {number:02d}")
    content = page(client, alice, f"/messages/{chat.pk}/").content.decode()
    assert "Numbered 39" in content
    assert "Numbered 09" not in content
    assert content.index("Numbered 30") < content.index("Numbered 39")
    cursor = content.split('href="?cursor=')[1].split('"')[0]
    earlier = client.get(f"/messages/{chat.pk}/?cursor={cursor}").content.decode()
    assert "Numbered 09" in earlier


# --- Settings and blocks ------------------------------------------------------------------------


def test_settings_choose_who_may_write(client, alice):
    client.force_login(alice)
    assert 'value="anyone" required id="id_who_may_write_0" checked' in (
        client.get("/messages/settings/").content.decode()
    )
    response = client.post("/messages/settings/", {"who_may_write": "organisations"})
    assert response.status_code == 302
    assert MessagingSettings.objects.get(member=alice).who_may_write == "organisations"
    response = client.post("/messages/settings/", {"who_may_write": "everyone\x00"})
    assert response.status_code == 400


def test_block_from_a_profile_and_unblock_from_settings(client, alice, bob):
    client.force_login(alice)
    profile_url = f"/members/{bob.profile.handle}/"
    content = client.get(profile_url).content.decode()
    assert "Write a message" in content
    assert f"/messages/new/?to={bob.profile.handle}" in content
    response = client.post("/messages/block/", {"handle": bob.profile.handle, "next": profile_url})
    assert response.url == profile_url
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    settings_page = client.get("/messages/settings/").content.decode()
    assert "Bob Tremblay" in settings_page
    client.post("/messages/unblock/", {"handle": bob.profile.handle})
    assert not Block.objects.exists()


def test_block_redirects_only_to_this_site(client, alice, bob):
    client.force_login(alice)
    response = client.post(
        "/messages/block/", {"handle": bob.profile.handle, "next": "https://evil.example/"}
    )
    assert response.url == "/messages/settings/"


def test_no_write_link_on_my_own_profile_nor_for_visitors(client, alice, bob):
    update_profile(profile=bob.profile, listing=Profile.Listing.PUBLIC)
    assert "Write a message" not in client.get(f"/members/{bob.profile.handle}/").content.decode()
    client.force_login(bob)
    assert "Write a message" not in client.get(f"/members/{bob.profile.handle}/").content.decode()


def test_directory_cards_link_to_writing(client, alice, bob):
    update_profile(profile=bob.profile, listing=Profile.Listing.MEMBERS)
    client.force_login(alice)
    content = client.get("/directory/").content.decode()
    assert f"/messages/new/?to={bob.profile.handle}" in content
    assert f"/messages/new/?to={alice.profile.handle}" not in content


def test_member_menu_links_to_messages(client, alice):
    client.force_login(alice)
    assert 'href="/messages/"' in client.get("/messages/settings/").content.decode()
