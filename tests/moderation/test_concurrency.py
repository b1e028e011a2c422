"""Members flagging the same post at the same moment open one case, and their flags all count:
the post is hidden once, at the weight they make together. Two moderators deciding the same
case at once: one decision stands, the other is told it came second."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.models import AuditEvent
from forums.models import Post
from moderation import services
from moderation.models import Case, Flag
from tests.forums.factories import PostFactory
from tests.matchmaking.test_concurrency import at_once
from tests.members.factories import UserFactory
from tests.moderation.factories import flag_post, flagged_post, moderator

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database (shared cache) refuses a second writer at once "
        "instead of queueing it as the file database does (BEGIN IMMEDIATE, busy timeout)",
    ),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def test_three_members_flagging_a_post_at_once_open_one_case_that_hides_it():
    post = PostFactory()
    flaggers = [UserFactory(trust_level=1) for _ in range(3)]

    _, errors = at_once(*(lambda one=one: flag_post(post, one) for one in flaggers))

    assert errors == []
    assert Flag.objects.count() == 3
    case = Case.objects.get()
    assert (case.score, case.status, case.hidden_score) == (3.0, "hidden", 3.0)
    assert Post.objects.get(pk=post.pk).is_hidden
    assert AuditEvent.objects.filter(action="moderation.auto_hide").count() == 1


def test_two_moderators_deciding_a_case_at_once_leave_one_decision():
    flagged_post()
    case = Case.objects.get()
    moderators = [moderator(), moderator()]

    decided, errors = at_once(
        lambda: services.decide(moderator=moderators[0], case=case, action="hide", reason="Spam"),
        lambda: services.decide(moderator=moderators[1], case=case, action="dismiss", reason="OK"),
    )

    assert len(decided) == 1
    assert [error.code for error in errors if isinstance(error, ValidationError)] == ["decided"]
    assert (
        AuditEvent.objects.filter(action__in=["moderation.hide", "moderation.dismiss"]).count() == 1
    )
