"""Feedback on a completed engagement: each side once, public rating and comment for members,
the private score for staff and the matching engine only; bad scores are form errors."""

import pytest
from django.core.exceptions import ValidationError

from matchmaking import matching, services
from matchmaking.models import Feedback
from members.models import KnowledgeStage
from tests.matchmaking.factories import expert, published, sector
from tests.members.factories import MembershipFactory, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db


def able(name: str, **changes):
    fit = {"advice_topics": ["supplier audits"], "sectors": [sector("automotive")]}
    return expert(name, **fit, **changes).user


def completed(member):
    request = published(
        description="We need supplier audits an Ontario assembler will accept. " * 2,
        sectors=[sector("automotive")],
    )
    engagement = services.invite_expert(request=request, expert=member, actor=request.author)
    services.accept(engagement=engagement, actor=member)
    return services.complete_engagement(engagement=engagement, actor=request.author)


def scores(**changes) -> dict:
    return {"rating": 5, "private_score": 4, "comment": "", "outcome": "", **changes}


def test_each_side_gives_feedback_once_on_a_completed_engagement():
    wang = able("Wang Fang")
    engagement = completed(wang)
    stage = KnowledgeStage.objects.get(slug="business-practices")
    given = services.give_feedback(
        engagement=engagement,
        author=engagement.request.author,
        **scores(comment="Clear plan.", knowledge_stage=stage, hours=6),
    )
    assert (given.side, given.hours, given.knowledge_stage) == ("sme", 6, stage)
    colleague = MembershipFactory(organisation=engagement.request.organisation).user
    with pytest.raises(ValidationError) as raised:
        services.give_feedback(engagement=engagement, author=colleague, **scores())
    assert raised.value.code == "given"
    assert services.give_feedback(engagement=engagement, author=wang, **scores()).side == "expert"
    with pytest.raises(ValidationError) as raised:
        services.give_feedback(engagement=engagement, author=UserFactory(), **scores())
    assert raised.value.code == "not_a_side"


def test_no_feedback_before_completion_and_scores_stay_between_1_and_5():
    wang = able("Wang Fang")
    request = published(sectors=[sector("automotive")])
    pending = services.invite_expert(request=request, expert=wang, actor=request.author)
    with pytest.raises(ValidationError):
        services.give_feedback(engagement=pending, author=wang, **scores())
    engagement = completed(wang)
    with pytest.raises(ValidationError) as raised:
        services.give_feedback(engagement=engagement, author=wang, **scores(rating=6))
    assert "rating" in raised.value.message_dict
    assert not Feedback.objects.exists()


def test_the_page_shows_the_public_feedback_and_the_private_score_to_staff_only(client):
    wang = able("Wang Fang")
    engagement = completed(wang)
    client.force_login(engagement.request.author)
    response = client.post(
        f"/requests/engagements/{engagement.pk}/feedback/",
        {"rating": 5, "private_score": 2, "comment": "Very clear.", "outcome": "We got certified."},
    )
    assert response.status_code == 302
    page = client.get(f"/requests/engagements/{engagement.pk}/").content.decode()
    assert "Very clear." in page
    assert "5 out of 5" in page
    assert "private score" not in page
    assert 'name="rating"' not in page  # given once
    client.force_login(wang)
    page = client.get(f"/requests/engagements/{engagement.pk}/").content.decode()
    assert "Very clear." in page
    assert "private score" not in page
    assert 'name="rating"' in page
    client.force_login(UserFactory())
    request_page = client.get(engagement.request.get_absolute_url()).content.decode()
    assert "Very clear." in request_page
    assert "5 out of 5" in request_page
    assert "private score" not in request_page
    assert "We got certified." not in request_page
    client.force_login(with_authenticator(UserFactory(is_staff=True)))
    assert (
        "private score 2 out of 5"
        in client.get(f"/requests/engagements/{engagement.pk}/").content.decode()
    )


def test_a_bad_score_is_a_form_error_that_keeps_the_comment(client):
    wang = able("Wang Fang")
    engagement = completed(wang)
    client.force_login(wang)
    response = client.post(
        f"/requests/engagements/{engagement.pk}/feedback/",
        {"rating": "9", "private_score": "x", "comment": "Kept as typed."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kept as typed." in page
    assert "Ensure this value is less than or equal to 5." in page
    assert "Enter a whole number." in page
    assert not Feedback.objects.exists()


def test_feedback_is_refused_to_those_not_on_either_side(client):
    engagement = completed(able("Wang Fang"))
    client.force_login(UserFactory())
    response = client.post(f"/requests/engagements/{engagement.pk}/feedback/", scores())
    assert response.status_code == 404


def test_smes_private_scores_move_an_expert_up_or_down():
    praised, panned = able("Praised", years_experience=5), able("Panned", years_experience=5)
    for member, score in ((praised, 5), (panned, 1)):
        engagement = completed(member)
        services.give_feedback(
            engagement=engagement,
            author=engagement.request.author,
            **scores(rating=5, private_score=score),
        )
    request = published(
        description="We need supplier audits an Ontario assembler will accept. " * 2,
        sectors=[sector("automotive")],
    )
    [first, second] = matching.rank(request)
    assert (first.profile.user, second.profile.user) == (praised, panned)
    assert first.score - second.score == pytest.approx(4.0)
