"""Digest tasks: thin, passed ids, safe to run twice or at once (see ``digests.services``)."""

from celery import shared_task

from digests import services

RETRY_DELAYS = (30, 60, 120, 300, 600)  # seconds; all well under Redis's visibility timeout


@shared_task
def queue_due_digests() -> int:
    """Beat, every minute: queue the due subscriptions in batches, and again the claimed digests
    whose task was lost. Returns how many members were queued."""
    queued = 0
    for batch in services.mark_due_queued() + services.stuck_claims():
        send_digest_batch.delay(batch)
        queued += len(batch)
    return queued


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=len(RETRY_DELAYS))
def send_digest_batch(self, member_ids: list[int]) -> dict:
    """Decide and send one batch's digests; an SMTP error that may pass is retried with
    backoff (the digests already sent are not sent again)."""
    try:
        return services.send_batch(member_ids=member_ids)
    except services.TransientSendError as error:
        if self.request.retries >= self.max_retries:
            return error.args[1]
        raise self.retry(countdown=RETRY_DELAYS[self.request.retries]) from error
