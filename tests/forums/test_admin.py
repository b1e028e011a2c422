"""Staff manage categories in the admin through the services (audited); threads and posts are
only looked at there."""

import pytest

from core.models import AuditEvent
from forums.models import Category
from tests.forums.factories import CategoryFactory, ThreadFactory
from tests.members.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

CATEGORIES = "/admin/forums/category/"


@pytest.fixture
def superuser():
    return with_authenticator(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def category_form(**changes):
    return {
        "slug": "cross-border-ecommerce",
        "kind": "topic",
        "restriction": "members",
        "position": "15",
        "name_en": "Cross-border e-commerce",
        "name_fr": "Commerce électronique transfrontalier",
        "name_zh_hans": "跨境电商",
        "description_en": "Selling online between the two countries.",
        "description_fr": "",
        "description_zh_hans": "",
        **changes,
    }


def test_a_category_added_and_changed_in_the_admin_is_audited(admin_client, superuser):
    response = admin_client.post(f"{CATEGORIES}add/", category_form())
    assert response.status_code == 302
    category = Category.objects.get(slug="cross-border-ecommerce")
    assert category.restriction == Category.Restriction.MEMBERS
    response = admin_client.post(
        f"{CATEGORIES}{category.pk}/change/", category_form(restriction="staff")
    )
    assert response.status_code == 302
    actions = list(
        AuditEvent.objects.filter(actor=superuser).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["forums.category_created", "forums.category_saved"]
    category.refresh_from_db()
    assert category.restriction == Category.Restriction.STAFF


def test_a_sector_category_needs_its_sector(admin_client):
    response = admin_client.post(f"{CATEGORIES}add/", category_form(kind="sector"))
    assert response.status_code == 200
    assert not Category.objects.filter(slug="cross-border-ecommerce").exists()


def test_only_empty_categories_are_deleted_asked_why_and_audited(admin_client):
    empty, busy = CategoryFactory(), ThreadFactory().category
    response = admin_client.post(
        CATEGORIES,
        {
            "action": "delete_categories",
            "_selected_action": [empty.pk, busy.pk],
            "reason": "Merged into Market entry",
        },
    )
    assert response.status_code == 302
    assert not Category.objects.filter(pk=empty.pk).exists()
    assert Category.objects.filter(pk=busy.pk).exists()
    event = AuditEvent.objects.get(action="forums.category_deleted")
    assert event.reason == "Merged into Market entry"


@pytest.mark.parametrize("model", ["thread", "post", "tag", "postrevision"])
def test_threads_and_posts_are_read_only_in_the_admin(admin_client, model):
    thread = ThreadFactory(tags=[])
    objects = {
        "thread": thread.pk,
        "post": thread.posts.get().pk,
        "tag": None,
        "postrevision": None,
    }
    assert admin_client.get(f"/admin/forums/{model}/").status_code == 200
    assert admin_client.get(f"/admin/forums/{model}/add/").status_code == 403
    if objects[model]:
        page = f"/admin/forums/{model}/{objects[model]}/change/"
        assert admin_client.get(page).status_code == 200
        assert admin_client.post(page, {"title": "Changed"}).status_code == 403
