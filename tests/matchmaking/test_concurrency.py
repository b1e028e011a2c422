"""Invitations and answers pressed at the same moment keep the rules: at most three invitations
wait on a request, an expert never takes more engagements than their cap, and an invitation is
answered once (one conversation), whichever side presses first."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conversations.models import Conversation
from matchmaking import services
from matchmaking.models import Engagement
from matchmaking.services import MAX_PENDING_INVITATIONS
from tests.matchmaking.factories import expert, published, sector, sme_member
from tests.members.factories import MembershipFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database (shared cache) refuses a second writer at once "
        "instead of queueing it as the file database does (BEGIN IMMEDIATE, busy timeout)",
    ),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def at_once(*calls) -> tuple[list, list[BaseException]]:
    """Run each call in its own thread and connection, released together; what they returned
    and the errors they raised."""
    results, errors = [], []
    start = threading.Barrier(len(calls))

    def run(call):
        try:
            start.wait()
            results.append(call())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def able(name: str, **changes):
    fit = {"advice_topics": ["supplier audits"], "sectors": [sector("automotive")]}
    return expert(name, **fit, **changes).user


def automotive_request(owner=None, sme=None):
    return published(owner, sme, sectors=[sector("automotive")])


def refusal_codes(errors) -> list[str]:
    assert all(isinstance(error, ValidationError) for error in errors), errors
    return [error.code for error in errors]


def test_six_invitations_at_once_leave_three_waiting_and_refuse_the_rest_with_a_reason():
    owner, sme = sme_member()
    request = automotive_request(owner, sme)
    colleagues = [owner] + [MembershipFactory(organisation=sme).user for _ in range(5)]
    experts = [able(f"Expert {n}") for n in range(6)]

    invited, errors = at_once(
        *(
            lambda colleague=colleague, one=one: services.invite_expert(
                request=request, expert=one, actor=colleague
            )
            for colleague, one in zip(colleagues, experts, strict=True)
        )
    )

    assert len(invited) == MAX_PENDING_INVITATIONS
    assert refusal_codes(errors) == ["too_many_pending"] * (6 - MAX_PENDING_INVITATIONS)
    assert request.engagements.filter(status="pending").count() == MAX_PENDING_INVITATIONS


def test_an_expert_at_their_cap_accepts_only_as_many_as_it_allows_at_once():
    wang = able("Wang Fang", max_open_engagements=1)
    invitations = []
    for _ in range(3):
        request = automotive_request()
        invitations.append(
            services.invite_expert(request=request, expert=wang, actor=request.author)
        )

    accepted, errors = at_once(
        *(
            lambda invitation=invitation: services.accept(engagement=invitation, actor=wang)
            for invitation in invitations
        )
    )

    assert len(accepted) == 1
    assert refusal_codes(errors) == ["unavailable", "unavailable"]
    assert Engagement.objects.filter(expert=wang, status="accepted").count() == 1


def test_an_invitation_answered_twice_at_once_is_answered_once_with_one_conversation():
    request = automotive_request()
    wang = able("Wang Fang")
    invitation = services.invite_expert(request=request, expert=wang, actor=request.author)

    answered, errors = at_once(
        lambda: services.accept(engagement=invitation, actor=wang),
        lambda: services.accept(engagement=invitation, actor=wang),
        lambda: services.decline(engagement=invitation, actor=wang),
        lambda: services.withdraw_engagement(engagement=invitation, actor=request.author),
    )

    assert len(answered) == 1
    assert refusal_codes(errors) == ["answered"] * 3
    invitation.refresh_from_db()
    assert invitation.status == answered[0].status
    conversations = Conversation.objects.count()
    assert conversations == (1 if invitation.status == Engagement.Status.ACCEPTED else 0)
