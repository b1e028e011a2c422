"""Members flagging the same post at the same moment open one case, and their flags all count:
the post is hidden once, at the weight they make together."""

import pytest
from django.db import connection

from core.models import AuditEvent
from forums.models import Post
from moderation.models import Case, Flag
from tests.forums.factories import PostFactory
from tests.matchmaking.test_concurrency import at_once
from tests.members.factories import UserFactory
from tests.moderation.factories import flag_post

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
