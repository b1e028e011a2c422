"""Members flag what they can see, for the moderators: on each thing's page and through the
API, with a reason; never what they cannot see (a 404, as on its page), never their own things,
and a broken or walked key is a 404, not an error."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.models import Category
from moderation.models import Flag
from tests.conversations.factories import add_message, conversation
from tests.conversations.factories import member as conversing_member
from tests.conversations.test_api import api
from tests.forums.factories import CategoryFactory, PostFactory, ThreadFactory
from tests.matchmaking.factories import published, sme_member
from tests.members.factories import OrganisationFactory, UserFactory, listed_member

pytestmark = pytest.mark.django_db

API = "/api/v1/flags/"


def flag_url(kind: str, key) -> str:
    return reverse(f"moderation:flag_{kind}", args=[key])


@pytest.fixture
def reader(client):
    member = UserFactory(onboarded=True)
    client.force_login(member)
    return member


@pytest.fixture
def things():
    """One of each kind of thing, none of them the reader's."""
    author = conversing_member(display_name="Zhang Min")
    thread = ThreadFactory(author=author, title="Cheap visas, DM me")
    owner, sme = sme_member(display_name="Marie Tremblay")
    return {
        "thread": (thread.pk, author),
        "post": (PostFactory(thread=thread, author=author).pk, author),
        "profile": (listed_member("Zhang Min Two").handle, None),
        "organisation": (OrganisationFactory(name="Maple Exports").slug, None),
        "request": (published(owner, sme, title="Wholesale contacts").pk, owner),
    }


@pytest.mark.parametrize("kind", ["thread", "post", "profile", "organisation", "request"])
def test_a_member_flags_what_they_can_see_and_returns_to_it(client, reader, things, kind):
    key, author = things[kind]
    page = client.get(flag_url(kind, key))
    assert page.status_code == 200
    assert "Abuse or harassment" in page.content.decode()
    answer = client.post(flag_url(kind, key), {"reason": "spam"}, follow=True)
    assert answer.redirect_chain[0][1] == 302
    assert "the moderators will look at it" in answer.content.decode()
    flag = Flag.objects.get()
    assert (flag.kind, flag.flagger, flag.reason, flag.resolved_at) == (kind, reader, "spam", None)
    if author is not None:
        assert flag.author == author


def test_a_participant_flags_a_message_that_others_cannot_even_find(client, reader):
    sender = conversing_member()
    chat = conversation(sender, reader)
    message = add_message(chat, sender, "Send me your bank details")
    outsider = UserFactory(onboarded=True)
    client.force_login(outsider)
    assert client.get(flag_url("message", message.pk)).status_code == 404
    client.force_login(reader)
    assert "Flag" in client.get(reverse("conversations:detail", args=[chat.pk])).content.decode()
    client.post(flag_url("message", message.pk), {"reason": "abuse"})
    assert Flag.objects.get().author == sender


def test_what_a_member_may_not_read_cannot_be_flagged_nor_found(client, reader):
    staff_only = CategoryFactory(restriction=Category.Restriction.STAFF)
    hidden = ThreadFactory(category=staff_only)
    for url in (flag_url("thread", hidden.pk), flag_url("post", hidden.posts.get().pk)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "spam"}).status_code == 404
    answer = api(reader).post(
        API, {"kind": "thread", "key": str(hidden.pk), "reason": "spam"}, format="json"
    )
    assert answer.status_code == 404
    assert not Flag.objects.exists()


def test_visitors_are_asked_to_log_in(client, things):
    key, _author = things["thread"]
    answer = client.get(flag_url("thread", key))
    assert answer.status_code == 302
    assert reverse("account_login") in answer["Location"]
    assert api().post(API, {"kind": "thread", "key": str(key), "reason": "spam"}).status_code in (
        401,
        403,
    )
    assert not Flag.objects.exists()


def test_ones_own_things_are_not_flagged(client):
    author = conversing_member()
    thread = ThreadFactory(author=author)
    client.force_login(author)
    page = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert flag_url("thread", thread.pk) not in page
    answer = client.post(flag_url("thread", thread.pk), {"reason": "spam", "text": "test"})
    assert answer.status_code == 400
    assert "You cannot flag what you wrote yourself." in answer.content.decode()
    assert not Flag.objects.exists()


def test_other_needs_words_and_keeps_what_was_typed(client, reader, things):
    key, _author = things["post"]
    answer = client.post(flag_url("post", key), {"reason": "other", "text": "   "})
    assert answer.status_code == 400
    assert "Say what is wrong" in answer.content.decode()
    answer = client.post(flag_url("post", key), {"reason": "nonsense", "text": "Kept 深圳"})
    assert answer.status_code == 400
    assert "Kept 深圳" in answer.content.decode()
    assert not Flag.objects.exists()


def test_flagging_again_changes_the_open_flag(client, reader, things):
    key, _author = things["post"]
    client.post(flag_url("post", key), {"reason": "spam"})
    client.post(flag_url("post", key), {"reason": "other", "text": "Actually a scam"})
    flag = Flag.objects.get()
    assert (flag.reason, flag.text) == ("other", "Actually a scam")


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("post", "abc"),
        ("post", "0"),
        ("post", "99999999999999999999999"),
        ("post", "١"),
        ("thread", "-1"),
        ("request", "12.5"),
        ("message", "1e3"),
        ("profile", "no-such-handle"),
        ("organisation", "nobody-here"),
    ],
)
def test_broken_and_walked_keys_are_404(client, reader, kind, key):
    assert client.get(flag_url(kind, key)).status_code == 404
    answer = api(reader).post(API, {"kind": kind, "key": key, "reason": "spam"}, format="json")
    assert answer.status_code == 404


def test_unknown_kinds_have_no_page(client, reader):
    assert client.get("/moderation/flag/engagement/1/").status_code == 404


class TestApi:
    def test_a_flag_is_created_and_answered(self, things):
        key, _author = things["request"]
        answer = api(UserFactory(onboarded=True)).post(
            API, {"kind": "request", "key": str(key), "reason": "confidential"}, format="json"
        )
        assert answer.status_code == 201, answer.content
        assert answer.json()["reason"] == "confidential"
        assert "flagger" not in answer.json()
        assert "author" not in answer.json()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"kind": "thread", "key": "1", "reason": "bad"}, "reason"),
            ({"kind": "engagement", "key": "1", "reason": "spam"}, "kind"),
            ({"kind": "thread", "reason": "spam"}, "key"),
            ({"kind": "thread", "key": "1", "reason": "spam", "text": "x" * 1001}, "text"),
        ],
    )
    def test_bad_bodies_name_the_field(self, body, field):
        answer = api(UserFactory(onboarded=True)).post(API, body, format="json")
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["attr"] == field

    def test_ones_own_thing_is_a_400(self, things):
        key, author = things["post"]
        answer = api(author).post(
            API, {"kind": "post", "key": str(key), "reason": "spam"}, format="json"
        )
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["code"] == "own"
        assert not Flag.objects.exists()

    def test_other_without_words_is_a_400_on_text(self, things):
        key, _author = things["thread"]
        answer = api(UserFactory(onboarded=True)).post(
            API, {"kind": "thread", "key": str(key), "reason": "other"}, format="json"
        )
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["attr"] == "text"
        assert answer.json()["errors"][0]["code"] == "required"


def test_the_flag_page_costs_the_same_however_many_flags_there_are(client, reader, things):
    key, _author = things["post"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(flag_url("post", key)).status_code == 200
        return len(captured)

    before = queries()
    for _ in range(10):
        Flag.objects.create(flagger=UserFactory(), kind="post", object_id=int(key), reason="spam")
    assert queries() == before


def test_each_page_offers_its_flag_link_to_other_members_only(client, reader, things):
    thread, _author = things["thread"]
    post, _author = things["post"]
    handle, slug = things["profile"][0], things["organisation"][0]
    request, owner = things["request"]
    pages = {
        reverse("forums:thread", args=[thread]): [
            flag_url("thread", thread),
            flag_url("post", post),
        ],
        reverse("members:profile", args=[handle]): [flag_url("profile", handle)],
        reverse("organisations:detail", args=[slug]): [flag_url("organisation", slug)],
        reverse("matchmaking:request", args=[request]): [flag_url("request", request)],
    }
    for page, links in pages.items():
        shown = client.get(page).content.decode()
        assert all(link in shown for link in links), page
    client.force_login(owner)
    assert (
        flag_url("request", request)
        not in client.get(reverse("matchmaking:request", args=[request])).content.decode()
    )
    client.logout()
    shown = client.get(reverse("forums:thread", args=[thread])).content.decode()
    assert "/moderation/flag/" not in shown
