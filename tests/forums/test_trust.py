"""Trust levels in the forums: what new members may post and how fast, how members rise by
reading and being found helpful, and staff setting a level in the admin."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from forums import services
from forums.models import ForumStanding
from members.models import User
from members.trust import TrustLevel
from tests.forums.factories import CategoryFactory, PostFactory, ThreadFactory, pause_passes
from tests.members.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

BODY = "Our Shenzhen supplier asked for a letter of credit; is that usual for a first order?"


def start(author, category=None, body=BODY, title="Letters of credit with a new supplier"):
    return services.start_thread(
        author=author, category=category or CategoryFactory(), title=title, body=body
    )


def codes(error: ValidationError, field="body") -> list[str]:
    return [e.code for e in error.error_dict[field]]


# --- Pace -----------------------------------------------------------------------------------------


def test_a_new_member_starts_three_threads_a_day_then_is_told_on_the_text():
    member = UserFactory()
    category = CategoryFactory()
    for _ in range(3):
        start(member, category)
        pause_passes(member)
    with pytest.raises(ValidationError) as raised:
        start(member, category)
    assert codes(raised.value) == ["daily_limit"]
    assert "3" in raised.value.message_dict["body"][0]


def test_a_new_member_posts_ten_replies_a_day_and_deleted_ones_still_count():
    member = UserFactory()
    thread = ThreadFactory()
    for _ in range(10):
        reply = services.post_reply(author=member, thread=thread, body=BODY)
        pause_passes(member)
    services.delete_post(member=member, post=reply)
    with pytest.raises(ValidationError) as raised:
        services.post_reply(author=member, thread=thread, body=BODY)
    assert codes(raised.value) == ["daily_limit"]


def test_posts_older_than_a_day_do_not_count():
    member = UserFactory()
    category = CategoryFactory()
    for _ in range(3):
        start(member, category)
        pause_passes(member)
    member.forum_posts.update(created_at=timezone.now() - timedelta(hours=25))
    assert start(member, category)


def test_everyone_pauses_between_posts_but_staff():
    member = UserFactory(trust_level=TrustLevel.LEADER)
    thread = ThreadFactory()
    services.post_reply(author=member, thread=thread, body=BODY)
    with pytest.raises(ValidationError) as raised:
        services.post_reply(author=member, thread=thread, body=BODY)
    assert codes(raised.value) == ["too_fast"]
    staff = UserFactory(is_staff=True)
    for _ in range(12):
        services.post_reply(author=staff, thread=thread, body=BODY)
    for _ in range(4):
        start(staff)


# --- Content --------------------------------------------------------------------------------------


def links(count: int) -> str:
    return BODY + "".join(f" [page {n}](https://example.org/page{n})" for n in range(count))


def test_new_members_post_two_links_basic_members_more():
    thread = ThreadFactory()
    new = UserFactory()
    assert services.post_reply(author=new, thread=thread, body=links(2))
    pause_passes(new)
    with pytest.raises(ValidationError) as raised:
        services.post_reply(author=new, thread=thread, body=links(3))
    assert codes(raised.value) == ["too_many_links"]
    assert services.post_reply(
        author=UserFactory(trust_level=TrustLevel.BASIC), thread=thread, body=links(3)
    )


def test_new_members_mention_two_members_at_most():
    handles = [UserFactory(onboarded=True).profile.handle for _ in range(3)]
    body = BODY + " " + " ".join(f"@{handle}" for handle in handles)
    with pytest.raises(ValidationError) as raised:
        services.post_reply(author=UserFactory(), thread=ThreadFactory(), body=body)
    assert codes(raised.value) == ["too_many_mentions"]


def test_new_members_add_no_images_basic_members_add_the_sites_own():
    thread = ThreadFactory()
    body = BODY + "\n\n![The factory floor](/media/forum/floor.jpg)"
    with pytest.raises(ValidationError) as raised:
        services.post_reply(author=UserFactory(), thread=thread, body=body)
    assert codes(raised.value) == ["no_images"]
    post = services.post_reply(
        author=UserFactory(trust_level=TrustLevel.BASIC), thread=thread, body=body
    )
    assert '<img src="/media/forum/floor.jpg"' in post.html


def test_every_excess_is_told_at_once_and_staff_have_none():
    handles = [UserFactory(onboarded=True).profile.handle for _ in range(3)]
    body = links(3) + " " + " ".join(f"@{h}" for h in handles) + "\n\n![x](/static/x.png)"
    with pytest.raises(ValidationError) as raised:
        services.post_reply(author=UserFactory(), thread=ThreadFactory(), body=body)
    assert codes(raised.value) == ["too_many_links", "too_many_mentions", "no_images"]
    staff = UserFactory(is_staff=True)
    assert services.post_reply(author=staff, thread=ThreadFactory(), body=body)


# --- Promotion ------------------------------------------------------------------------------------


def read_threads(member, count: int, posts_each: int) -> None:
    for _ in range(count):
        thread = ThreadFactory()
        PostFactory.create_batch(posts_each - 1, thread=thread)
        thread.refresh_from_db()
        services.mark_read(member=member, thread=thread, up_to=posts_each)


def test_reading_five_threads_and_thirty_posts_makes_a_new_member_basic():
    member = UserFactory()
    read_threads(member, 4, 8)
    member.refresh_from_db()
    assert member.trust_level == TrustLevel.NEW  # 32 posts but 4 threads
    read_threads(member, 1, 1)
    member.refresh_from_db()
    assert member.trust_level == TrustLevel.BASIC
    assert not AuditEvent.objects.exists()  # nobody decided it


def test_a_basic_member_who_reads_visits_and_helps_becomes_a_member():
    member = UserFactory(trust_level=TrustLevel.BASIC)
    read_threads(member, 20, 5)
    ForumStanding.objects.filter(pk=member.pk).update(days_visited=9)
    thread = ThreadFactory()
    replies = [PostFactory(thread=thread, author=member) for _ in range(3)]
    for reply in replies[:2]:
        services.set_helpful(member=UserFactory(), post=reply, helpful=True)
    # A new day: the visit counts (10 days) but two helpful marks are not yet enough.
    ForumStanding.objects.filter(pk=member.pk).update(
        last_visited_on=timezone.localdate() - timedelta(days=1)
    )
    services.mark_read(member=member, thread=thread, up_to=1)
    member.refresh_from_db()
    assert member.trust_level == TrustLevel.BASIC
    services.set_helpful(member=UserFactory(), post=replies[2], helpful=True)
    member.refresh_from_db()
    assert member.trust_level == TrustLevel.MEMBER
    standing = ForumStanding.objects.get(pk=member.pk)
    assert (standing.days_visited, standing.helpful_received) == (10, 3)


def test_days_visited_count_once_a_day():
    member = UserFactory()
    thread = ThreadFactory()
    for _ in range(3):
        services.mark_read(member=member, thread=thread, up_to=1)
    assert ForumStanding.objects.get(pk=member.pk).days_visited == 1


def test_promotion_never_lowers_a_level_staff_set():
    member = UserFactory(trust_level=TrustLevel.REGULAR)
    read_threads(member, 5, 6)
    member.refresh_from_db()
    assert member.trust_level == TrustLevel.REGULAR


# --- Staff set a level --------------------------------------------------------------------------


def test_staff_set_a_trust_level_in_the_admin_audited(client):
    superuser = with_authenticator(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(superuser)
    member = UserFactory()
    response = client.post(
        f"/admin/members/user/{member.pk}/change/",
        {
            "display_name": member.display_name,
            "language": "en",
            "is_active": "on",
            "trust_level": TrustLevel.REGULAR.value,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.trust_level == TrustLevel.REGULAR
    (event,) = AuditEvent.objects.filter(action="account.trust_level_set")
    assert event.actor == superuser
    assert event.details == {"trust_level": [0, 3]}


def test_saving_an_account_leaves_a_level_the_forums_raised_meanwhile(client):
    superuser = with_authenticator(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(superuser)
    member = UserFactory()
    form = {"display_name": "Renamed", "language": "en", "is_active": "on"}
    User.objects.filter(pk=member.pk).update(trust_level=TrustLevel.BASIC)
    assert client.post(f"/admin/members/user/{member.pk}/change/", form).status_code == 302
    member.refresh_from_db()
    assert member.trust_level == TrustLevel.BASIC
    assert not AuditEvent.objects.filter(action="account.trust_level_set").exists()
