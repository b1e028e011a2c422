"""Staff can look at notifications and the mails sent about them, and change nothing there."""

import pytest

from tests.members.factories import UserFactory, with_authenticator
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(with_authenticator(UserFactory(is_staff=True, is_superuser=True)))
    return client


def test_staff_see_notifications_read_only(admin_client):
    notification = NotificationFactory(subject="Opening a bank account in Shenzhen")
    listing = admin_client.get("/admin/notifications/notification/")
    assert listing.status_code == 200
    assert "Opening a bank account in Shenzhen" in listing.content.decode()
    assert "/admin/notifications/notification/add/" not in listing.content.decode()
    detail = admin_client.get(f"/admin/notifications/notification/{notification.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    deleting = admin_client.post(f"/admin/notifications/notification/{notification.pk}/delete/")
    assert deleting.status_code == 403
    assert admin_client.get("/admin/notifications/emaildelivery/").status_code == 200
