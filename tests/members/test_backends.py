"""The backends read a session's member as Django's own do, and refuse whom they refuse."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.backends import AuthenticationBackend, ModelBackend
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

BACKENDS = [ModelBackend, AuthenticationBackend]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_member_of_a_session_is_the_member_in_the_database(backend):
    member = UserFactory(is_staff=True)
    with CaptureQueriesContext(connection) as queries:
        found = backend().get_user(member.pk)
    assert len(queries) == 1
    assert found == member
    for field in type(member)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(member, field.attname), field.name
    assert found.get_session_auth_hash() == member.get_session_auth_hash()
    assert backend().get_user(str(member.pk)) == member


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("user_id", [0, -1, 2**63, 10**30, "x", "", None, 999_999_999])
def test_an_id_of_nobody_is_nobody(backend, user_id):
    UserFactory()
    assert backend().get_user(user_id) is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_deactivated_member_is_signed_out(backend):
    member = UserFactory(is_active=False)
    assert backend().get_user(member.pk) is None


def test_a_signed_in_page_knows_its_member(client):
    member = UserFactory(display_name="Wei Zhang")
    client.force_login(member)
    assert "Wei Zhang" in client.get("/forums/").content.decode()
