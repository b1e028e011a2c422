from celery import shared_task

from economy import feeds


@shared_task
def import_feeds() -> dict[str, int]:
    """Beat, every half hour: new entries of every active feed that is due become economy
    updates (published at once for trusted feeds, else waiting for review). Each feed is
    imported on its own and its errors are recorded on it. Safe to run twice: an entry already
    imported is recognised, and a feed is locked while its entries are written."""
    return feeds.import_all_feeds()
