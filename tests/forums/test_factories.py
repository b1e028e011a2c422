import pytest

from tests.forums.factories import PostFactory, ThreadFactory


@pytest.mark.django_db
def test_factories_number_posts_and_count_them_on_thread_and_category():
    thread = ThreadFactory()
    replies = PostFactory.create_batch(2, thread=thread)
    thread.refresh_from_db()
    thread.category.refresh_from_db()
    assert [p.number for p in thread.posts.order_by("number")] == [1, 2, 3]
    assert [r.number for r in replies] == [2, 3]
    assert thread.post_count == 3
    assert (thread.category.thread_count, thread.category.post_count) == (1, 3)
