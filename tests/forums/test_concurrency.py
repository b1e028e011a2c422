"""Members replying to one thread at the same moment get consecutive numbers, and no count is
lost: post numbers are taken under a lock on the thread's row, counters move by F()."""

import threading

import pytest
from django.db import connection

from forums import services
from forums.models import Category, Thread
from tests.forums.factories import ThreadFactory
from tests.members.factories import UserFactory

WRITERS = 4
REPLIES_EACH = 6
BODY = "Same here: the customs broker in Ningbo asked for the HS codes twice."


def replies_at_once(thread: Thread, authors) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(authors))

    def write(author):
        try:
            start.wait()
            for _ in range(REPLIES_EACH):
                services.post_reply(author=author, thread=thread, body=BODY)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=write, args=(author,)) for author in authors]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return errors


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database (shared cache) refuses a second writer at once "
    "instead of queueing it as the file database does (BEGIN IMMEDIATE, busy timeout)",
)
@pytest.mark.django_db(transaction=True)
def test_replies_posted_at_once_are_numbered_one_after_the_other():
    thread = ThreadFactory()
    # Staff do not pause between posts, so each writer posts as fast as the database lets it.
    authors = [UserFactory(is_staff=True) for _ in range(WRITERS)]

    assert replies_at_once(thread, authors) == []

    total = 1 + WRITERS * REPLIES_EACH
    thread.refresh_from_db()
    numbers = sorted(thread.posts.values_list("number", flat=True))
    assert numbers == list(range(1, total + 1))
    assert thread.post_count == total
    assert Category.objects.get(pk=thread.category_id).post_count == total
