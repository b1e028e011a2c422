"""Flags open a case and weigh it; past the threshold the post is hidden until a moderator decides.
Every decision takes a reason, lands in the audit log, closes the case and tells the author."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from forums import services as forums
from forums.models import Post, Thread
from moderation import services, targets
from moderation.models import Case, Flag, Sanction
from notifications.models import Notification
from tests.forums.factories import CategoryFactory, PostFactory, ThreadFactory
from tests.members.factories import UserFactory
from tests.moderation.factories import flag_post, flagged_post, moderator

pytestmark = pytest.mark.django_db


def thread_page(client, post: Post) -> str:
    return client.get(reverse("forums:thread", args=[post.thread_id])).content.decode()


# --- Weights and automatic hiding ---------------------------------------------------------------


def test_a_flag_weighs_its_members_trust_and_past_accuracy():
    newcomer, regular = UserFactory(trust_level=0), UserFactory(trust_level=3)
    right, wrong = UserFactory(trust_level=1), UserFactory(trust_level=1)
    for upheld, flagger in ((True, right), (False, wrong)):
        Flag.objects.bulk_create(
            Flag(flagger=flagger, kind="post", object_id=pk, reason="spam", upheld=upheld)
            for pk in range(1, 5)
        )
    weights = services.flag_weights([newcomer.pk, regular.pk, right.pk, wrong.pk])
    assert weights[newcomer.pk] == pytest.approx(0.5)
    assert weights[regular.pk] == pytest.approx(2.0)
    assert weights[right.pk] == pytest.approx(2 * 5 / 6)
    assert weights[wrong.pk] == pytest.approx(2 * 1 / 6)


def test_flags_below_the_threshold_open_a_case_and_hide_nothing(client):
    post = flagged_post(flaggers=2)
    case = Case.objects.get()
    assert (case.kind, case.object_id, case.status, case.score) == ("post", post.pk, "open", 2.0)
    post.refresh_from_db()
    assert post.hidden_at is None


def test_flags_past_the_threshold_hide_the_post_and_tell_its_author_why(client):
    author = UserFactory(display_name="Wang Lei")
    post = flagged_post(flaggers=3, author=author, body="Buy followers cheap")
    case = Case.objects.get()
    assert (case.status, case.hidden_score) == ("hidden", 3.0)
    assert "Buy followers cheap" not in thread_page(client, post)
    assert "hidden while the moderators review it" in thread_page(client, post)
    client.force_login(author)
    page = thread_page(client, post)
    assert "Buy followers cheap" in page
    assert "Edit it to ask for another review" in page
    told = Notification.objects.get(recipient=author, kind="moderation.decision")
    assert "members flagged it (Spam)" in told.subject
    assert AuditEvent.objects.filter(action="moderation.auto_hide", actor=None).exists()


def test_newcomers_flags_weigh_less_so_a_few_of_them_do_not_hide_a_post():
    post = PostFactory()
    flag_post(post, *(UserFactory(trust_level=0) for _ in range(5)))
    assert Case.objects.get().score == 2.5
    post.refresh_from_db()
    assert post.hidden_at is None


def test_search_forgets_a_hidden_post_and_finds_it_again_once_restored(client):
    flagged_post(flaggers=3, body="Visas guaranteed overnight")
    search = reverse("forums:search") + "?q=overnight"
    assert "guaranteed" not in client.get(search).content.decode()
    services.decide(
        moderator=moderator(), case=Case.objects.get(), action="dismiss", reason="Fair offer"
    )
    assert "guaranteed" in client.get(search).content.decode()


# --- Decisions ----------------------------------------------------------------------------------

EVERY_DECISION = ["dismiss", "hide", "delete", "lock", "unlock", "move", "edit", "warn"]


@pytest.mark.parametrize("action", EVERY_DECISION)
def test_each_decision_closes_the_case_with_its_reason_in_the_audit_log(action):
    flagged_post(flaggers=1)
    case, mod = Case.objects.get(), moderator()
    options = {
        "move": {"category": CategoryFactory()},
        "edit": {"body": "The big banks all have plans for newcomers."},
    }
    services.decide(
        moderator=mod, case=case, action=action, reason="Rule 3", **options.get(action, {})
    )
    case.refresh_from_db()
    assert (case.status, case.decision) == ("closed", action)
    event = AuditEvent.objects.get(action=f"moderation.{action}")
    assert (event.actor, event.reason) == (mod, "Rule 3")
    flag = Flag.objects.get()
    assert flag.resolved_at == case.closed_at
    assert flag.upheld is (action not in ("dismiss", "unlock"))


def test_hiding_tells_the_author_the_reason_and_hides_the_post_from_others(client):
    post = flagged_post(flaggers=1, body="Call me for cheap visas")
    services.decide(
        moderator=moderator(), case=Case.objects.get(), action="hide", reason="Advertising"
    )
    post.refresh_from_db()
    assert post.is_hidden
    told = Notification.objects.get(recipient=post.author)
    assert "hidden by the moderators: Advertising" in told.subject
    assert "Call me for cheap visas" not in thread_page(client, post)


def test_a_hidden_post_edited_by_its_author_goes_back_to_the_queue():
    post = flagged_post(flaggers=1)
    services.decide(moderator=moderator(), case=Case.objects.get(), action="hide", reason="Spam")
    post = Post.objects.select_related("thread__category").get(pk=post.pk)
    post.created_at -= timedelta(days=30)  # long past the edit window: hidden posts stay open
    forums.edit_post(editor=post.author, post=post, body="Only the bank's own newcomer page.")
    case = Case.objects.get(closed_at__isnull=True)
    assert (case.status, case.review_asked_at is not None) == ("hidden", True)


def test_hiding_a_thread_takes_it_out_of_lists_and_makes_it_a_404_for_others(client):
    thread = ThreadFactory(title="Spam thread")
    flagger = UserFactory(trust_level=1)
    services.flag(
        flagger=flagger, target=targets.resolve(flagger, "thread", str(thread.pk)), reason="spam"
    )
    services.decide(moderator=moderator(), case=Case.objects.get(), action="hide", reason="Spam")
    assert "Spam thread" not in client.get(reverse("forums:latest")).content.decode()
    assert client.get(reverse("forums:thread", args=[thread.pk])).status_code == 404
    client.force_login(thread.author)
    assert client.get(reverse("forums:thread", args=[thread.pk])).status_code == 200


def test_a_decision_needs_a_reason():
    flagged_post()
    with pytest.raises(ValidationError) as refused:
        services.decide(moderator=moderator(), case=Case.objects.get(), action="hide", reason=" ")
    assert "reason" in refused.value.error_dict


def test_two_moderators_cannot_decide_the_same_case_twice():
    flagged_post()
    case = Case.objects.get()
    services.decide(moderator=moderator(), case=case, action="dismiss", reason="Fine")
    with pytest.raises(ValidationError, match="decided on this already"):
        services.decide(moderator=moderator(), case=case, action="hide", reason="Spam")


def test_members_and_plain_staff_cannot_decide():
    flagged_post()
    for someone in (UserFactory(), UserFactory(is_staff=True)):
        with pytest.raises(PermissionDenied):
            services.decide(
                moderator=someone, case=Case.objects.get(), action="hide", reason="Spam"
            )


# --- Sanctions ----------------------------------------------------------------------------------


def test_suspensions_grow_with_each_sanction_of_the_past_year():
    member, mod = UserFactory(), moderator()
    lengths = []
    for _ in range(5):
        sanction = services.suspend(moderator=mod, member=member, reason="Repeated spam")
        lengths.append((sanction.ends_at - sanction.created_at).days)
    assert lengths == [1, 7, 30, 90, 90]


def test_a_suspension_ends_by_beat_and_the_member_may_sign_in_again():
    member = UserFactory()
    services.suspend(moderator=moderator(), member=member, reason="Abuse", days=2)
    member.refresh_from_db()
    assert not member.is_active
    assert services.lift_ended_suspensions() == 0
    later = timezone.now() + timedelta(days=2, minutes=1)
    assert services.lift_ended_suspensions(now=later) == 1
    member.refresh_from_db()
    assert member.is_active
    assert Sanction.objects.get().lifted_at == later


def test_a_ban_holds_while_a_suspension_ends():
    member, mod = UserFactory(), moderator()
    services.suspend(moderator=mod, member=member, reason="Abuse", days=1)
    services.ban(moderator=mod, member=member, reason="Abuse again")
    services.lift_ended_suspensions(now=timezone.now() + timedelta(days=2))
    member.refresh_from_db()
    assert not member.is_active


def test_moderators_cannot_sanction_staff_nor_themselves():
    mod = moderator()
    with pytest.raises(PermissionDenied):
        services.warn(moderator=mod, member=moderator(), reason="No")
    with pytest.raises(ValidationError):
        services.warn(moderator=mod, member=mod, reason="No")


# --- Held first posts and reminders -------------------------------------------------------------


def test_a_new_members_first_thread_waits_for_a_moderator(client, settings):
    settings.MODERATION_HOLD_FIRST_POSTS = True
    newcomer = UserFactory(trust_level=0)
    thread = forums.start_thread(
        author=newcomer,
        category=CategoryFactory(),
        title="Hello from Chengdu",
        body="Hi all, I moved from Chengdu to Calgary and look forward to meeting you.",
    )
    case = Case.objects.get()
    assert (case.kind, case.object_id, case.status) == ("thread", thread.pk, "held")
    assert "Hello from Chengdu" not in client.get(reverse("forums:latest")).content.decode()
    services.decide(moderator=moderator(), case=case, action="dismiss", reason="Welcome")
    assert Thread.objects.get(pk=thread.pk).hidden_at is None
    assert "Hello from Chengdu" in client.get(reverse("forums:latest")).content.decode()


def test_moderators_hear_of_cases_waiting_more_than_48_hours_once_a_day():
    mod = moderator()
    flagged_post()
    Case.objects.update(opened_at=timezone.now() - timedelta(hours=49))
    assert services.remind_moderators() == 1
    assert services.remind_moderators() == 0
    assert Notification.objects.get(recipient=mod).kind == "moderation.waiting"
    assert services.remind_moderators(now=timezone.now() + timedelta(days=1, minutes=1)) == 1


def test_a_decision_on_a_post_gone_since_says_so():
    post = flagged_post()
    Post.objects.filter(pk=post.pk).delete()
    with pytest.raises(ValidationError, match="deleted since"):
        services.decide(moderator=moderator(), case=Case.objects.get(), action="hide", reason="x")
