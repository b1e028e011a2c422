import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from core.forms import show_service_error
from forums import services
from forums.forms import EditPostForm, ReplyForm, ThreadForm
from forums.models import Category
from tests.forums.factories import CategoryFactory, PostFactory, ThreadFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

BODY = "Has anyone used a bonded warehouse in Qingdao for Canadian seafood?"


def thread_form(author, **data):
    category = data.pop("category", None) or CategoryFactory()
    return ThreadForm(
        {
            "category": category.pk,
            "title": "Bonded warehouses in Qingdao",
            "body": BODY,
            "language": "en",
            **data,
        },
        author=author,
    )


def test_a_thread_form_takes_a_chinese_title_of_six_characters_and_tags_as_text():
    form = thread_form(UserFactory(), title="青岛保税仓库", tags="Seafood, 青岛 ,seafood")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["tags"] == ["seafood", "青岛"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "Help"}, "title"),
        ({"body": "Thanks!"}, "body"),
        ({"body": "x" * 30_001}, "body"),
        ({"body": BODY + "\x00"}, "body"),
        ({"title": "Bonded\x00 warehouses in Qingdao"}, "title"),
        ({"tags": "a, b, c, d, e, f"}, "tags"),
        ({"tags": "x" * 41}, "tags"),
        ({"language": "de"}, "language"),
        ({"sector": "999999"}, "sector"),
    ],
)
def test_a_thread_form_says_which_field_is_wrong(data, field):
    form = thread_form(UserFactory(), **data)
    assert not form.is_valid()
    assert field in form.errors


def test_a_thread_form_offers_only_categories_the_member_may_post_in():
    staff_only = CategoryFactory(restriction=Category.Restriction.STAFF)
    open_category = CategoryFactory()
    form = thread_form(UserFactory(), category=staff_only)
    assert not form.is_valid()
    assert "category" in form.errors
    offered = form.fields["category"].queryset
    assert open_category in offered
    assert staff_only not in offered
    assert not ThreadForm(author=AnonymousUser()).fields["category"].queryset.exists()
    assert ThreadForm(author=UserFactory(language="fr")).fields["language"].initial == "fr"


def test_a_reply_answers_only_a_post_of_its_thread():
    thread = ThreadFactory()
    elsewhere = PostFactory()
    assert not ReplyForm({"body": BODY, "reply_to": elsewhere.pk}, thread=thread).is_valid()
    form = ReplyForm({"body": BODY, "reply_to": thread.posts.get().pk}, thread=thread)
    assert form.is_valid()
    assert form.cleaned_data["reply_to"] == thread.posts.get()


def test_only_the_opening_post_is_edited_with_a_title():
    thread = ThreadFactory()
    reply = PostFactory(thread=thread)
    opening = thread.posts.get(number=1)
    assert "title" not in EditPostForm(post=reply).fields
    assert EditPostForm(post=opening)["title"].value() == thread.title
    assert not EditPostForm({"title": "Help", "body": BODY}, post=opening).is_valid()


def test_a_limit_a_service_finds_is_shown_on_the_text_with_what_was_typed():
    member = UserFactory()
    thread = ThreadFactory()
    services.post_reply(author=member, thread=thread, body=BODY)
    form = ReplyForm({"body": BODY + " again"}, thread=thread)
    assert form.is_valid()
    with pytest.raises(ValidationError) as raised:
        services.post_reply(author=member, thread=thread, body=form.cleaned_data["body"])
    show_service_error(form, raised.value)
    assert "please wait" in form.errors["body"][0]
    assert form["body"].value() == BODY + " again"
    show_service_error(form, ValidationError("Something else"))
    assert form.non_field_errors() == ["Something else"]
