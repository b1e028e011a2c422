"""Two imports of the same feed at once (a slow beat run and staff's "Import now") write each
entry once: the source's row is locked while its entries are written."""

import threading

import pytest
from django.db import connection

from economy import feeds
from economy.models import EconomyUpdate, FeedSource
from tests.economy.feed_server import FeedServer
from tests.economy.test_feeds import RSS

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database (shared cache) refuses a second writer at once "
        "instead of queueing it as the file database does",
    ),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


@pytest.fixture
def server(settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = True
    feed_server = FeedServer()
    feed_server.start()
    yield feed_server
    feed_server.stop()


def test_two_imports_of_one_feed_at_once_write_each_entry_once(server):
    feed = FeedSource.objects.create(
        name="Feed", language="en", url=server.serve("/feed", body=RSS.encode())
    )
    start = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(feeds.import_feed(source=FeedSource.objects.get(pk=feed.pk)))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [result.error for result in results] == [""] * 4
    assert sorted(len(result.created) for result in results) == [0, 0, 0, 2]
    assert EconomyUpdate.objects.filter(feed=feed).count() == 2
