import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from forums import access, services
from forums.models import (
    Bookmark,
    Category,
    CategoryFollow,
    ForumStanding,
    Post,
    PostRevision,
    ReadPosition,
    Tag,
    Thread,
    ThreadFollow,
)
from members.trust import TrustLevel
from notifications.models import Notification
from tests.forums.factories import CategoryFactory, PostFactory, ThreadFactory, pause_passes
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

BODY = "We registered a WFOE in Suzhou last year; the bank account took six weeks."


def regular(**fields):
    return UserFactory(trust_level=TrustLevel.MEMBER, onboarded=True, **fields)


def start(author=None, category=None, **fields):
    fields.setdefault("title", "Opening a company bank account in Suzhou")
    fields.setdefault("body", BODY)
    return services.start_thread(
        author=author or regular(), category=category or CategoryFactory(), **fields
    )


def notified(member, kind=None):
    rows = Notification.objects.filter(recipient=member)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows)


# --- Starting threads -----------------------------------------------------------------------------


def test_a_thread_starts_with_its_opening_post_counted_followed_and_indexed():
    author = regular(language="fr")
    category = CategoryFactory()
    thread = start(author, category, tags=["Banking", " banking", "苏州"])

    post = thread.posts.get()
    assert post.number == 1
    assert post.author == author
    assert "<p>We registered" in post.html
    assert thread.language == post.language == "fr"  # the author's language by default
    assert sorted(tag.name for tag in thread.tags.all()) == ["banking", "苏州"]
    assert set(Tag.objects.values_list("thread_count", flat=True)) == {1}
    category.refresh_from_db()
    assert (category.thread_count, category.post_count) == (1, 1)
    assert category.last_posted_at == post.created_at
    assert ThreadFollow.objects.filter(member=author, thread=thread).exists()
    assert ForumStanding.objects.get(member=author).posts_written == 1
    post.refresh_from_db()
    assert "suzhou" in post.search_text.split()
    assert "banking" in post.search_text.split()
    assert f"c{category.pk}" in post.tokens.split()


def test_the_thread_language_can_be_chosen_but_must_be_a_site_language():
    thread = start(language="zh-hans")
    assert thread.language == "zh-hans"
    with pytest.raises(ValidationError) as raised:
        start(language="xx")
    assert "language" in raised.value.message_dict


@pytest.mark.parametrize(
    "title",
    ["如何在苏州开公司", "如何注册公司", "How do I open a bank account?"],
)
def test_titles_of_six_chinese_characters_or_a_real_sentence_pass(title):
    assert start(title=title).title == title


@pytest.mark.parametrize("title", ["Help", "   Help   me   ", "帮帮我", "x" * 201])
def test_short_or_huge_titles_are_refused_on_the_title(title):
    with pytest.raises(ValidationError) as raised:
        start(title=title)
    assert list(raised.value.message_dict) == ["title"]
    assert not Thread.objects.exists()


def test_every_field_at_fault_is_reported_at_once():
    with pytest.raises(ValidationError) as raised:
        start(title="Help", body="Thanks", tags=["a", "b", "c", "d", "e", "f"])
    assert set(raised.value.message_dict) == {"title", "body", "tags"}


def test_a_chinese_body_of_seven_characters_is_long_enough():
    thread = start(body="请问开户要多久？")
    assert thread.posts.get().body == "请问开户要多久？"


def test_tags_are_lowercased_at_most_five_and_each_at_most_40_characters():
    with pytest.raises(ValidationError) as raised:
        start(tags=["x" * 41])
    assert "tags" in raised.value.message_dict
    thread = start(tags="Tax， VAT ,tax,  Transfer   Pricing ")
    assert sorted(t.name for t in thread.tags.all()) == ["tax", "transfer pricing", "vat"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "Bank account\x00 in Suzhou, China"}, "title"),
        ({"body": BODY + "\x00"}, "body"),
        ({"body": "x" * 30_001}, "body"),
        ({"tags": ["ta\x00x"]}, "tags"),
    ],
)
def test_hostile_input_is_a_field_error_not_a_crash(fields, field):
    with pytest.raises(ValidationError) as raised:
        start(**fields)
    assert field in raised.value.message_dict


def test_a_body_of_exactly_30000_characters_is_accepted():
    assert len(start(body="x" * 30_000).posts.get().body) == 30_000


def test_anonymous_visitors_and_readers_of_other_categories_cannot_start_threads():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        start(AnonymousUser())
    with pytest.raises(PermissionDenied):
        start(category=CategoryFactory(restriction=Category.Restriction.STAFF))


def test_followers_of_a_category_hear_of_new_threads_there():
    category = CategoryFactory()
    follower = regular()
    services.follow_category(member=follower, category=category, follow=True)
    author = regular()
    thread = start(author, category)
    (note,) = notified(follower, "forums.followed_category")
    assert note.subject == thread.title
    assert note.actor == author
    assert note.batch_key == f"thread:{thread.pk}"
    assert note.url.startswith(f"/forums/t/{thread.pk}/")
    assert not notified(author)


# --- Replies --------------------------------------------------------------------------------------


def test_replies_are_numbered_counted_and_make_their_author_follow_the_thread():
    thread = start()
    first, second = regular(), regular()
    reply = services.post_reply(author=first, thread=thread, body=BODY)
    other = services.post_reply(author=second, thread=thread, body=BODY, reply_to=reply)
    assert (reply.number, other.number) == (2, 3)
    assert other.reply_to == reply
    thread.refresh_from_db()
    thread.category.refresh_from_db()
    assert thread.post_count == 3
    assert thread.reply_count == 2
    assert thread.last_posted_at == other.created_at
    assert (thread.category.thread_count, thread.category.post_count) == (1, 3)
    assert ThreadFollow.objects.filter(thread=thread).count() == 3


def test_a_reply_cannot_answer_a_post_of_another_thread():
    thread, elsewhere = start(), ThreadFactory()
    with pytest.raises(ValidationError) as raised:
        services.post_reply(
            author=regular(), thread=thread, body=BODY, reply_to=elsewhere.posts.get()
        )
    assert "reply_to" in raised.value.message_dict


def test_the_thread_author_hears_of_replies_and_followers_of_new_posts_once_each():
    author = regular()
    thread = start(author)
    follower, replier = regular(), regular()
    services.follow_thread(member=follower, thread=thread, follow=True)
    services.post_reply(author=replier, thread=thread, body=BODY)
    assert [(n.kind, n.url) for n in notified(author)] == [
        ("forums.reply", f"/forums/t/{thread.pk}/?after=1#post-2")
    ]
    assert [n.kind for n in notified(follower)] == ["forums.followed_thread"]
    assert not notified(replier)


def test_a_mention_notifies_the_member_once_and_links_their_profile():
    thread = start()
    mentioned = regular(display_name="Li Wei")
    handle = mentioned.profile.handle
    services.follow_thread(member=mentioned, thread=thread, follow=True)
    post = services.post_reply(author=regular(), thread=thread, body=f"{BODY} Ask @{handle}.")
    assert f'href="/members/{handle}/"' in post.html
    assert "@Li Wei" in post.html
    assert mentioned.email not in post.html
    assert [n.kind for n in notified(mentioned)] == ["forums.mention"]


def test_mentions_of_members_who_may_not_read_the_category_notify_nobody():
    staff = regular(is_staff=True)
    outsider = regular()
    thread = start(staff, CategoryFactory(restriction=Category.Restriction.STAFF))
    services.post_reply(author=staff, thread=thread, body=f"{BODY} cc @{outsider.profile.handle}")
    assert not notified(outsider)


def test_mentions_of_unknown_inactive_or_hidden_members_stay_plain_text():
    inactive = regular(is_active=False)
    hidden = regular()
    hidden.profile.listing = "hidden"
    hidden.profile.save()
    body = f"{BODY} @{inactive.profile.handle} @{hidden.profile.handle} @nobody42"
    post = services.post_reply(author=regular(), thread=start(), body=body)
    assert 'class="mention"' not in post.html
    assert not Notification.objects.filter(kind="forums.mention").exists()


def test_locked_threads_take_replies_from_staff_only():
    thread = start()
    Thread.objects.filter(pk=thread.pk).update(locked=True)
    thread.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.post_reply(author=regular(), thread=thread, body=BODY)
    assert services.post_reply(author=regular(is_staff=True), thread=thread, body=BODY)


# --- Editing --------------------------------------------------------------------------------------


def test_editing_keeps_the_previous_version_and_renders_again():
    author = regular()
    thread = start(author)
    post = thread.posts.get()
    services.edit_post(
        editor=author, post=post, body="**Six weeks** was the wait at our bank.", title=None
    )
    post.refresh_from_db()
    assert "<strong>Six weeks</strong>" in post.html
    assert post.edited_at is not None
    (revision,) = PostRevision.objects.filter(post=post)
    assert revision.body == BODY
    assert revision.title == thread.title
    assert revision.edited_by == author


def test_editing_the_opening_post_can_retitle_the_thread_and_reindexes_it():
    author = regular()
    thread = start(author)
    post = thread.posts.get()
    services.edit_post(editor=author, post=post, body=BODY, title="开设苏州银行账户需要多久")
    thread.refresh_from_db()
    post.refresh_from_db()
    assert thread.title == "开设苏州银行账户需要多久"
    assert "苏州" in post.search_text.split()
    assert PostRevision.objects.get(post=post).title == "Opening a company bank account in Suzhou"


def test_a_reply_has_no_title_and_an_unchanged_edit_keeps_no_revision():
    author = regular()
    reply = services.post_reply(author=author, thread=start(), body=BODY)
    with pytest.raises(ValidationError) as raised:
        services.edit_post(editor=author, post=reply, body=BODY, title="A title for a reply")
    assert "title" in raised.value.message_dict
    services.edit_post(editor=author, post=reply, body=BODY)
    assert not PostRevision.objects.exists()


def test_only_members_newly_mentioned_by_an_edit_hear_of_it():
    author = regular()
    first, second = regular(), regular()
    body = f"{BODY} @{first.profile.handle}"
    reply = services.post_reply(author=author, thread=start(), body=body)
    services.edit_post(editor=author, post=reply, body=f"{body} and @{second.profile.handle}")
    assert len(notified(first, "forums.mention")) == 1
    assert len(notified(second, "forums.mention")) == 1


def test_staff_editing_a_members_post_is_audited():
    thread = start()
    staff = regular(is_staff=True)
    services.edit_post(editor=staff, post=thread.posts.get(), body=BODY + " (edited)")
    assert AuditEvent.objects.filter(actor=staff, action="forums.post_edited").exists()


def test_edits_after_the_window_are_refused(settings):
    author = regular()
    post = start(author).posts.get()
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - settings_window(settings))
    post.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.edit_post(editor=author, post=post, body=BODY + " later")


def settings_window(settings):
    from datetime import timedelta

    settings.FORUM_EDIT_WINDOW = timedelta(hours=1)
    return timedelta(hours=1, minutes=1)


# --- Deleting -------------------------------------------------------------------------------------


def test_deleting_is_soft_leaves_search_and_removes_the_accepted_mark():
    author = regular()
    thread = start(author)
    replier = regular()
    reply = services.post_reply(author=replier, thread=thread, body=BODY)
    services.set_helpful(member=author, post=reply, helpful=True)
    services.accept_answer(actor=author, post=reply)

    services.delete_post(member=replier, post=reply)
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.is_deleted
    assert reply.body == BODY
    assert reply.search_text == ""
    assert reply.tokens == ""
    assert thread.accepted_post is None
    assert thread.post_count == 2  # numbers are never reused
    # Helpful marks stay counted; none can be added, and it cannot be accepted again.
    assert reply.helpful_count == thread.helpful_count == 1
    with pytest.raises(ValidationError):
        services.set_helpful(member=regular(), post=reply, helpful=True)
    with pytest.raises(ValidationError):
        services.accept_answer(actor=author, post=reply)
    with pytest.raises(PermissionDenied):
        services.delete_post(member=replier, post=reply)


def test_members_cannot_delete_others_posts_and_staff_deleting_one_is_audited():
    thread = start()
    post = thread.posts.get()
    with pytest.raises(PermissionDenied):
        services.delete_post(member=regular(), post=post)
    staff = regular(is_staff=True)
    services.delete_post(member=staff, post=post, reason="Spam")
    assert AuditEvent.objects.get(actor=staff, action="forums.post_deleted").reason == "Spam"


# --- Helpful and accepted answers -----------------------------------------------------------------


def test_helpful_marks_count_once_on_post_thread_and_author_and_can_be_taken_back():
    thread = start()
    replier, reader = regular(), regular()
    reply = services.post_reply(author=replier, thread=thread, body=BODY)
    for _ in range(2):
        services.set_helpful(member=reader, post=reply, helpful=True)
    thread.refresh_from_db()
    assert reply.helpful_count == thread.helpful_count == 1
    assert ForumStanding.objects.get(member=replier).helpful_received == 1
    for _ in range(2):
        services.set_helpful(member=reader, post=reply, helpful=False)
    thread.refresh_from_db()
    assert reply.helpful_count == thread.helpful_count == 0
    assert ForumStanding.objects.get(member=replier).helpful_received == 0


def test_nobody_marks_their_own_post_helpful():
    author = regular()
    post = start(author).posts.get()
    with pytest.raises(PermissionDenied):
        services.set_helpful(member=author, post=post, helpful=True)


def test_the_thread_author_accepts_a_reply_but_not_the_opening_post():
    author = regular()
    thread = start(author)
    reply = services.post_reply(author=regular(), thread=thread, body=BODY)
    with pytest.raises(ValidationError):
        services.accept_answer(actor=author, post=thread.posts.get(number=1))
    with pytest.raises(PermissionDenied):
        services.accept_answer(actor=regular(), post=reply)
    assert services.accept_answer(actor=author, post=reply).accepted_post == reply
    assert not AuditEvent.objects.exists()
    services.clear_accepted_answer(actor=author, thread=thread)
    thread.refresh_from_db()
    assert thread.accepted_post is None


def test_staff_accepting_on_someone_elses_thread_is_audited():
    thread = start()
    reply = services.post_reply(author=regular(), thread=thread, body=BODY)
    staff = regular(is_staff=True)
    services.accept_answer(actor=staff, post=reply)
    event = AuditEvent.objects.get(action="forums.answer_accepted")
    assert event.actor == staff
    assert event.details == {"post": reply.pk}


# --- Follows, bookmarks and reading ---------------------------------------------------------------


def test_follows_and_bookmarks_are_idempotent():
    member, thread = regular(), ThreadFactory()
    post = thread.posts.get()
    for _ in range(2):
        services.follow_thread(member=member, thread=thread, follow=True)
        services.follow_category(member=member, category=thread.category, follow=True)
        services.set_bookmark(member=member, post=post, bookmarked=True)
    assert ThreadFollow.objects.filter(member=member).count() == 1
    assert CategoryFollow.objects.filter(member=member).count() == 1
    assert Bookmark.objects.filter(member=member).count() == 1
    for _ in range(2):
        services.follow_thread(member=member, thread=thread, follow=False)
        services.set_bookmark(member=member, post=post, bookmarked=False)
    assert not ThreadFollow.objects.filter(member=member).exists()
    assert not Bookmark.objects.exists()


def test_nobody_follows_or_bookmarks_what_they_may_not_read():
    member = regular()
    thread = ThreadFactory(category=CategoryFactory(restriction=Category.Restriction.STAFF))
    with pytest.raises(PermissionDenied):
        services.follow_thread(member=member, thread=thread, follow=True)
    with pytest.raises(PermissionDenied):
        services.set_bookmark(member=member, post=thread.posts.get(), bookmarked=True)


def test_reading_only_moves_forward_and_counts_what_was_newly_read():
    member = UserFactory()
    thread = ThreadFactory()
    PostFactory.create_batch(4, thread=thread)
    thread.refresh_from_db()
    services.mark_read(member=member, thread=thread, up_to=3)
    services.mark_read(member=member, thread=thread, up_to=2)
    services.mark_read(member=member, thread=thread, up_to=99)  # beyond the last post: the last
    assert ReadPosition.objects.get(member=member, thread=thread).last_read == 5
    standing = ForumStanding.objects.get(member=member)
    assert (standing.posts_read, standing.threads_entered) == (5, 1)
    assert (standing.days_visited, standing.last_visited_on) == (1, timezone.localdate())


def test_anonymous_reading_marks_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert services.mark_read(member=AnonymousUser(), thread=ThreadFactory(), up_to=1) is None
    assert not ReadPosition.objects.exists()


# --- Counters under many posts --------------------------------------------------------------------


def test_counters_add_up_after_many_threads_and_replies():
    category = CategoryFactory()
    authors = [regular() for _ in range(3)]
    threads = [start(author, category, tags=["tax"]) for author in authors]
    for author in authors:
        pause_passes(author)
        for thread in threads:
            services.post_reply(author=author, thread=thread, body=BODY)
            pause_passes(author)
    category.refresh_from_db()
    assert (category.thread_count, category.post_count) == (3, 12)
    assert Tag.objects.get(name="tax").thread_count == 3
    for thread in threads:
        thread.refresh_from_db()
        assert thread.post_count == 4
        assert list(thread.posts.values_list("number", flat=True).order_by("number")) == [
            1,
            2,
            3,
            4,
        ]
    assert {s.posts_written for s in ForumStanding.objects.all()} == {4}


# --- Categories -----------------------------------------------------------------------------------


def test_staff_save_categories_audited_and_members_cannot():
    staff = regular(is_staff=True)
    category = Category(
        slug="exports", name_en="Exports", name_fr="Exportations", name_zh_hans="出口"
    )
    services.save_category(actor=staff, category=category)
    assert AuditEvent.objects.get(action="forums.category_created").actor == staff
    with pytest.raises(PermissionDenied):
        services.save_category(actor=regular(), category=category)
    with pytest.raises(ValidationError):
        services.save_category(actor=staff, category=Category(slug="exports", name_en="x"))


def test_the_topics_and_one_category_per_sector_are_there_from_the_start():
    from members.models import Sector

    topics = Category.objects.filter(kind=Category.Kind.TOPIC, slug__in=TOPIC_SLUGS)
    assert list(topics.values_list("slug", flat=True)) == list(TOPIC_SLUGS)  # in this order
    for category in topics:
        assert category.name_fr
        assert category.name_zh_hans
        assert category.description_en
        assert category.description_fr
        assert category.description_zh_hans
        assert category.restriction == Category.Restriction.NONE
    sectors = Category.objects.filter(kind=Category.Kind.SECTOR)
    assert {c.sector_id for c in sectors} == set(Sector.objects.values_list("pk", flat=True))
    assert min(c.position for c in sectors) > max(c.position for c in topics)


TOPIC_SLUGS = (
    "market-entry",
    "business-practices",
    "regulation-law",
    "finance-investment",
    "technology-transfer",
    "talent-immigration",
    "events",
)


def test_a_reply_costs_the_same_queries_with_few_or_many_posts_and_followers():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forums.models import ThreadFollow as Follow

    def reply_queries(thread) -> int:
        author = regular(is_staff=True)  # no pace, so both replies ask the same
        thread = access.access_thread(author, thread.pk, for_write=True)  # as a view has it
        with CaptureQueriesContext(connection) as captured:
            services.post_reply(author=author, thread=thread, body=BODY)
        return len(captured)

    def grow(thread, size):
        PostFactory.create_batch(size, thread=thread)
        Follow.objects.bulk_create(Follow(member=UserFactory(), thread=thread) for _ in range(size))
        thread.refresh_from_db()

    thread = start()
    grow(thread, 1)
    reply_queries(thread)  # the content type of notifications' targets is cached after this
    few = reply_queries(thread)
    grow(thread, 40)
    many = reply_queries(thread)
    assert many == few
    assert few <= 25


# --- A new sector -------------------------------------------------------------------------------


def test_a_sector_added_later_gets_its_category_once(db):
    from members.models import Sector

    last = Category.objects.filter(kind=Category.Kind.SECTOR).order_by("-position").first()
    sector = Sector.objects.create(
        slug="space-industry",
        name_en="Space industry",
        name_fr="Industrie spatiale",
        name_zh_hans="航天产业",
    )
    category = Category.objects.get(sector=sector)
    assert (category.slug, category.kind) == ("space-industry", Category.Kind.SECTOR)
    assert (category.name_en, category.name_fr, category.name_zh_hans) == (
        "Space industry",
        "Industrie spatiale",
        "航天产业",
    )
    assert "space industry" in category.description_en
    assert category.position == (last.position + 1 if last else 100)
    sector.name_en = "Space"
    sector.save()
    assert services.open_sector_category(sector=sector) == category
    assert Category.objects.filter(sector=sector).count() == 1


def test_a_new_sector_named_like_a_topic_gets_an_address_of_its_own(db):
    from members.models import Sector

    sector = Sector.objects.create(
        slug="market-entry", name_en="Market entry", name_fr="Entrée", name_zh_hans="进入"
    )
    assert Category.objects.get(sector=sector).slug == "market-entry-sector"


def test_a_sector_is_deleted_only_once_its_category_is(db, staff_member):
    from django.db.models import ProtectedError

    from members.models import Sector

    sector = Sector.objects.create(
        slug="kelp", name_en="Kelp", name_fr="Varech", name_zh_hans="海带"
    )
    with pytest.raises(ProtectedError):
        sector.delete()
    category = Category.objects.get(sector=sector)
    services.delete_category(actor=staff_member, category=category, reason="added by mistake")
    sector.delete()
    assert not Sector.objects.filter(slug="kelp").exists()
