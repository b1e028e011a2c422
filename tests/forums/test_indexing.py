"""What search reads from each post: its words (with the thread's title and tags on the opening
post) and the tokens filters match, kept current through every change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from core.search import search, with_tokens
from forums import services
from forums.indexing import index_thread
from forums.models import Post
from members.models import KnowledgeStage
from members.trust import TrustLevel
from tests.forums.factories import CategoryFactory, PostFactory, ThreadFactory
from tests.members.factories import CityRegionFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "我们在苏州注册了外商独资企业，银行开户花了六个星期。"


def member(**fields):
    return UserFactory(trust_level=TrustLevel.MEMBER, **fields)


@pytest.fixture
def thread():
    return services.start_thread(
        author=member(language="zh-hans"),
        category=CategoryFactory(),
        title="Bank accounts for a WFOE in Suzhou",
        body=BODY,
        tags=["Banking", "苏州"],
        sector=SectorFactory(),
        city_region=CityRegionFactory(),
        knowledge_stage=KnowledgeStage.objects.first(),
    )


def tokens_of(post: Post) -> list[str]:
    post.refresh_from_db()
    return post.tokens.split()


def test_the_opening_post_is_found_by_its_title_tags_and_chinese_words(thread):
    posts = Post.objects.all()
    for query in ("wfoe", "banking", "苏州", "银行", "开户"):
        assert list(search(posts, query)) == [thread.posts.get()], query


def test_each_post_is_filed_under_its_thread_author_and_language(thread):
    opening = thread.posts.get()
    tags = sorted(tag.pk for tag in thread.tags.all())
    assert tokens_of(opening) == [
        f"c{thread.category_id}",
        *(f"t{pk}" for pk in tags),
        f"s{thread.sector_id}",
        f"r{thread.city_region_id}",
        f"k{thread.knowledge_stage_id}",
        f"a{thread.author_id}",
        "lzhhans",
    ]
    reply = services.post_reply(author=member(language="fr"), thread=thread, body=BODY)
    assert tokens_of(reply)[-2:] == [f"a{reply.author_id}", "lfr"]
    found = with_tokens(Post.objects.all(), [[f"s{thread.sector_id}"], ["lfr"]])
    assert list(found) == [reply]


def test_replies_are_found_by_their_own_words_not_the_title(thread):
    reply = services.post_reply(
        author=member(), thread=thread, body="Try the Bank of Suzhou's newcomer desk."
    )
    assert list(search(Post.objects.all(), "newcomer")) == [reply]
    assert list(search(Post.objects.all(), "wfoe")) == [thread.posts.get(number=1)]


def test_a_new_title_is_searchable_at_once(thread):
    opening = thread.posts.get()
    services.edit_post(
        editor=thread.author, post=opening, body=BODY, title="深圳的外资企业银行账户"
    )
    assert list(search(Post.objects.all(), "深圳")) == [opening]
    assert not search(Post.objects.all(), "wfoe").exists()


def test_a_deleted_post_leaves_search_and_filters(thread):
    reply = services.post_reply(author=member(), thread=thread, body=BODY + " newcomer")
    services.delete_post(member=reply.author, post=reply)
    assert not search(Post.objects.all(), "newcomer").exists()
    assert tokens_of(reply) == []


def test_moving_a_thread_refiles_all_its_posts_in_one_update_and_moves_its_counts(thread):
    replies = PostFactory.create_batch(3, thread=thread)
    services.delete_post(member=replies[0].author, post=replies[0])
    thread.refresh_from_db()
    old, new = thread.category, CategoryFactory()
    staff = UserFactory(is_staff=True)
    services.move_thread(actor=staff, thread=thread, category=new, reason="Wrong place")

    assert with_tokens(Post.objects.all(), [[f"c{new.pk}"]]).count() == 3  # not the deleted one
    assert not with_tokens(Post.objects.all(), [[f"c{old.pk}"]]).exists()
    assert tokens_of(replies[1])[-2:] == [f"a{replies[1].author_id}", "len"]
    assert tokens_of(replies[0]) == []
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.thread_count, old.post_count) == (0, 0)
    assert (new.thread_count, new.post_count) == (1, 4)
    assert new.last_posted_at == thread.last_posted_at
    event = AuditEvent.objects.get(action="forums.thread_moved")
    assert event.details == {"category": [old.pk, new.pk]}


def test_refiling_a_thread_costs_the_same_queries_whatever_its_length(thread):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            index_thread(thread)
        return len(captured)

    few = queries()
    PostFactory.create_batch(30, thread=thread)
    assert queries() == few


def test_only_staff_move_threads(thread):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.move_thread(actor=thread.author, thread=thread, category=CategoryFactory())


def test_factory_threads_are_indexed_when_asked():
    thread = ThreadFactory(title="Hiring in Waterloo", tags=[])
    index_thread(thread)
    assert list(search(Post.objects.all(), "waterloo")) == [thread.posts.get()]
