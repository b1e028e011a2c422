"""Who reads and who changes an economy update, per role: anonymous, member, Editor, staff who
are not Editors, administrator; drafts, imports waiting for review and scheduled updates stay
unknown (404, not 403) to everyone but Editors."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from economy.access import access_update, is_editor
from tests.economy.factories import (
    administrator,
    draft,
    editor,
    imported,
    moderator,
    published,
    scheduled,
)
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "editor", "other_editor", "moderator", "staff", "admin"]
EDITORS = {"editor", "other_editor", "admin"}


@pytest.fixture
def people():
    return {
        "anonymous": AnonymousUser(),
        "member": UserFactory(),
        "editor": editor(),
        "other_editor": editor(),
        "moderator": moderator(),
        "staff": UserFactory(is_staff=True),
        "admin": administrator(),
    }


def outcome(viewer, update_id, **options) -> str:
    try:
        access_update(viewer, update_id, **options)
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


def test_who_is_an_editor(people):
    assert {role for role in ROLES if is_editor(people[role])} == EDITORS


def test_an_inactive_editor_is_no_editor():
    assert not is_editor(editor(is_active=False))


MAKERS = {
    "draft": lambda author: draft(author),
    "review": lambda author: imported(),
    "scheduled": lambda author: scheduled(author),
    "published": lambda author: published(author),
    "published_long_ago": lambda author: published(
        author, at=published(author).published_at - timedelta(days=400)
    ),
}


@pytest.mark.parametrize("state", list(MAKERS))
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_and_changes_an_update(people, state, role):
    update = MAKERS[state](people["editor"])
    public = state.startswith("published")
    read = outcome(people[role], update.pk)
    write = outcome(people[role], update.pk, for_write=True)
    if role in EDITORS:
        assert (read, write) == ("ok", "ok")
    elif public:
        assert (read, write) == ("ok", "403")
    else:
        assert (read, write) == ("404", "404")  # never told it exists


def test_a_walked_id_is_404_for_everyone(people):
    update = published(people["editor"])
    for role in ROLES:
        assert outcome(people[role], update.pk + 1000) == "404"
