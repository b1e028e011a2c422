"""A member previews their next digest on the web: what it would hold now, or why it would not
be sent; nothing is recorded, and no one sees another member's."""

import pytest

from digests.models import Delivery, Subscription
from tests.digests.factories import make_due
from tests.digests.test_building import world  # noqa: F401 - the hand-built week, a fixture
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_professional_previews_their_updates_threads_and_requests(client, world):  # noqa: F811
    li = world["li"]
    make_due(li)
    client.force_login(li)
    page = client.get("/digests/preview/").content.decode()
    assert "EV battery plants in Ontario" in page
    assert "Which audits do Ontario OEMs ask for?" in page
    assert "Qualifying brake parts for Ontario" in page
    assert "Copper prices" not in page  # outside their interests
    assert "Staff notes on the auto sector" not in page  # a category they may not read
    assert not Delivery.objects.exists()
    assert Subscription.objects.get(pk=li.pk).queued_at is None


def test_too_little_is_said_plainly(client, db):
    member = UserFactory()
    client.force_login(member)
    response = client.get("/digests/preview/")
    assert response.status_code == 200
    assert "it would not be sent: Too little in it." in response.content.decode()
    assert not Delivery.objects.exists()


def test_visitors_log_in_first_and_see_no_ones_digest(client, world):  # noqa: F811
    response = client.get("/digests/preview/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())  # another member sees their own, not Li Wei's
    assert "EV battery plants" not in client.get("/digests/preview/").content.decode()


def test_the_settings_page_links_to_it(client, db):
    client.force_login(UserFactory())
    assert 'href="/digests/preview/"' in client.get("/digests/settings/").content.decode()
