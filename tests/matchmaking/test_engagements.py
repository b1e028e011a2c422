"""Invitations and offers through their life: the limits on asking, answering, expiry with the
SME sent back to its next candidates, reminders, the conversation an accepted engagement opens,
and what the matching engine makes of experts at capacity, busy or who helped before."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conversations.models import Conversation
from matchmaking import matching, services
from matchmaking.models import Engagement, ExpertRecord, Feedback, HelpRequest
from members import services as member_services
from notifications.models import Notification
from tests.matchmaking.factories import expert, published, sector
from tests.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db
Status = Engagement.Status
FIT = {"advice_topics": ["supplier audits"]}


def automotive_request(**changes) -> HelpRequest:
    return published(
        description="We need supplier audits an Ontario assembler will accept. " * 2,
        sectors=[sector("automotive")],
        **changes,
    )


def able(name: str, **changes):
    return expert(name, sectors=[sector("automotive")], **FIT, **changes).user


def kinds_sent_to(member) -> list[str]:
    sent = Notification.objects.filter(recipient=member).order_by("pk")
    return list(sent.values_list("kind", flat=True))


def test_an_invited_expert_accepts_and_a_conversation_opens_for_both_sides():
    request = automotive_request()
    colleague = MembershipFactory(organisation=request.organisation).user
    wang = able("Wang Fang")
    invitation = services.invite_expert(
        request=request, expert=wang, actor=request.author, message="Can you help?"
    )
    assert invitation.status == Status.PENDING
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)
    assert kinds_sent_to(wang) == ["matchmaking.invited"]
    services.accept(engagement=invitation, actor=wang)
    invitation.refresh_from_db()
    request.refresh_from_db()
    assert invitation.status == Status.ACCEPTED
    assert request.status == HelpRequest.Status.IN_PROGRESS
    conversation = Conversation.objects.get(owner_id=invitation.pk)
    members = set(conversation.participants.values_list("member_id", flat=True))
    assert members == {wang.pk, request.author_id, colleague.pk}
    assert "matchmaking.answered" in kinds_sent_to(request.author)


def test_an_expert_offers_help_and_the_sme_declines_with_a_reason():
    request = automotive_request()
    wang = able("Wang Fang")
    offer = services.offer_help(request=request, expert=wang, message="I audited 40 plants.")
    assert "matchmaking.offered" in kinds_sent_to(request.author)
    services.decline(engagement=offer, actor=request.author, reason="We found someone.")
    offer.refresh_from_db()
    assert (offer.status, offer.reason) == (Status.DECLINED, "We found someone.")
    assert kinds_sent_to(wang) == ["matchmaking.answered"]
    with pytest.raises(ValidationError):
        services.accept(engagement=offer, actor=request.author)


def test_at_most_three_invitations_wait_at_once_and_nobody_is_asked_twice():
    request = automotive_request()
    experts = [able(f"Expert {number}") for number in range(4)]
    for member in experts[:3]:
        services.invite_expert(request=request, expert=member, actor=request.author)
    with pytest.raises(ValidationError) as raised:
        services.invite_expert(request=request, expert=experts[3], actor=request.author)
    assert raised.value.code == "too_many_pending"
    first = request.engagements.get(expert=experts[0])
    services.decline(engagement=first, actor=experts[0])
    services.invite_expert(request=request, expert=experts[3], actor=request.author)
    services.decline(engagement=request.engagements.get(expert=experts[1]), actor=experts[1])
    with pytest.raises(ValidationError) as raised:
        services.invite_expert(request=request, expert=experts[0], actor=request.author)
    assert raised.value.code == "already"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"paused": True}, "unavailable"),
        ({"open_to_requests": False}, "unavailable"),
        ({"max_open_engagements": 1, "busy": 1}, "unavailable"),
    ],
)
def test_an_expert_who_takes_no_new_engagement_cannot_be_invited(changes, code):
    busy = changes.pop("busy", 0)
    member = able("Wang Fang", **changes)
    for _ in range(busy):
        other = automotive_request()
        services.accept(
            engagement=services.invite_expert(request=other, expert=member, actor=other.author),
            actor=member,
        )
    request = automotive_request()
    with pytest.raises(ValidationError) as raised:
        services.invite_expert(request=request, expert=member, actor=request.author)
    assert raised.value.code == code


def test_nobody_is_engaged_on_a_request_that_waits_for_review_or_has_ended_or_by_their_sme():
    waiting = automotive_request(sensitive=True)
    with pytest.raises(ValidationError):
        services.invite_expert(request=waiting, expert=able("A"), actor=waiting.author)
    ended = services.withdraw_request(request=automotive_request(), actor=None)
    with pytest.raises(ValidationError):
        services.offer_help(request=ended, expert=able("B"))
    request = automotive_request()
    own = able("Own")
    MembershipFactory(organisation=request.organisation, user=own)
    with pytest.raises(ValidationError) as raised:
        services.offer_help(request=request, expert=own)
    assert raised.value.code == "own"
    invited_only = automotive_request(audience=HelpRequest.Audience.INVITED)
    with pytest.raises(ValidationError) as raised:
        services.offer_help(request=invited_only, expert=able("C"))
    assert raised.value.code == "invited_only"


def test_an_unanswered_invitation_expires_and_the_sme_is_sent_to_its_next_candidates():
    request = automotive_request()
    wang, li = able("Wang Fang", years_experience=10), able("Li Ming")
    assert [m.profile.user for m in matching.rank(request)] == [wang, li]
    invitation = services.invite_expert(request=request, expert=wang, actor=request.author)
    assert [m.profile.user for m in matching.rank(request)] == [li]
    soon = invitation.expires_at - timedelta(hours=2)
    assert services.remind_answerers(now=invitation.expires_at - timedelta(hours=25)) == 0
    assert services.remind_answerers(now=soon) == 1
    assert services.remind_answerers(now=soon) == 0
    assert kinds_sent_to(wang) == ["matchmaking.invited", "matchmaking.answer_due"]
    assert services.expire_engagements(now=soon) == 0
    assert services.expire_engagements(now=invitation.expires_at) == 1
    invitation.refresh_from_db()
    assert invitation.status == Status.EXPIRED
    told = Notification.objects.get(recipient=request.author, kind="matchmaking.unanswered")
    assert told.url == request.get_absolute_url()
    with pytest.raises(ValidationError):
        services.accept(engagement=invitation, actor=wang)


def test_resolving_completes_what_was_under_way_and_takes_back_what_waited():
    request = automotive_request()
    wang, li = able("Wang Fang"), able("Li Ming")
    under_way = services.invite_expert(request=request, expert=wang, actor=request.author)
    services.accept(engagement=under_way, actor=wang)
    waiting = services.invite_expert(request=request, expert=li, actor=request.author)
    services.resolve_request(request=request, actor=request.author)
    under_way.refresh_from_db()
    waiting.refresh_from_db()
    assert under_way.status == Status.COMPLETED
    assert under_way.completed_at is not None
    assert waiting.status == Status.WITHDRAWN


def test_an_equal_but_free_expert_ranks_above_a_busy_one_and_one_at_capacity_is_not_proposed():
    busy, free = able("Busy Bee", years_experience=5), able("Free Bird", years_experience=5)
    full = able("Full House", years_experience=5)
    member_services.update_profile(profile=full.profile, max_open_engagements=1)
    for member in (busy, full):
        other = automotive_request()
        services.accept(
            engagement=services.invite_expert(request=other, expert=member, actor=other.author),
            actor=member,
        )
    request = automotive_request()
    assert [m.profile.user for m in matching.rank(request)] == [free, busy]


def test_an_expert_who_helped_before_ranks_higher_and_it_is_said():
    helper, newcomer = able("Helper", years_experience=5), able("Newcomer", years_experience=5)
    for _ in range(2):
        earlier = automotive_request()
        engagement = services.invite_expert(request=earlier, expert=helper, actor=earlier.author)
        services.accept(engagement=engagement, actor=helper)
        services.complete_engagement(engagement=engagement, actor=earlier.author)
    [first, second] = matching.rank(automotive_request())
    assert (first.profile.user, second.profile.user) == (helper, newcomer)
    assert "helped 2 SMEs" in first.reasons


def recount(member) -> dict:
    """What an expert's record should say, counted from their engagements and feedback."""
    engagements = Engagement.objects.filter(expert=member)
    scores = Feedback.objects.filter(engagement__expert=member, side="sme")
    return {
        "pending": engagements.filter(status=Status.PENDING).count(),
        "under_way": engagements.filter(status=Status.ACCEPTED).count(),
        "completed": engagements.filter(status=Status.COMPLETED).count(),
        "sme_score_total": sum(scores.values_list("private_score", flat=True)),
        "sme_scores": scores.count(),
    }


def recorded(member) -> dict:
    record = ExpertRecord.objects.filter(expert=member).values(*recount(member)).first()
    return record or dict.fromkeys(recount(member), 0)


def test_an_experts_record_follows_every_change_to_their_engagements():
    wang = able("Wang Fang", max_open_engagements=10)
    requests = [automotive_request() for _ in range(5)]
    steps = [
        lambda: services.invite_expert(request=requests[0], expert=wang, actor=requests[0].author),
        lambda: services.offer_help(request=requests[1], expert=wang),
        lambda: services.invite_expert(request=requests[2], expert=wang, actor=requests[2].author),
        lambda: services.invite_expert(request=requests[3], expert=wang, actor=requests[3].author),
        lambda: services.accept(engagement=requests[0].engagements.get(), actor=wang),
        lambda: services.decline(
            engagement=requests[1].engagements.get(), actor=requests[1].author
        ),
        lambda: services.withdraw_engagement(
            engagement=requests[2].engagements.get(), actor=requests[2].author
        ),
        lambda: services.expire_engagements(now=timezone.now() + timedelta(days=4)),
        lambda: services.complete_engagement(
            engagement=requests[0].engagements.get(), actor=requests[0].author
        ),
        lambda: services.give_feedback(
            engagement=requests[0].engagements.get(),
            author=requests[0].author,
            rating=5,
            private_score=4,
        ),
        lambda: services.invite_expert(request=requests[4], expert=wang, actor=requests[4].author),
        lambda: services.accept(engagement=requests[4].engagements.get(), actor=wang),
        lambda: services.resolve_request(request=requests[4], actor=requests[4].author),
    ]
    for number, step in enumerate(steps):
        step()
        assert recorded(wang) == recount(wang), number
    assert recorded(wang) == {
        "pending": 0,
        "under_way": 0,
        "completed": 2,
        "sme_score_total": 4,
        "sme_scores": 1,
    }
