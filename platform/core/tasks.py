from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from core import outbox
from core.mail import deliver_now, keep_undelivered, refused_for_good

# Seconds between attempts to deliver a message: about 45 minutes in all, each well under
# Redis's visibility timeout (CELERY_VISIBILITY_TIMEOUT).
EMAIL_RETRY_DELAYS = (15, 30, 60, 120, 300, 600, 600, 900)


@shared_task(bind=True, max_retries=len(EMAIL_RETRY_DELAYS))
def deliver_email(self, message: dict) -> int:
    """Send one message; a server that is down, slow or answers "try later" is tried again
    later, and a message refused for good or after the last retry is kept for staff."""
    try:
        return deliver_now(message)
    except OSError as error:  # smtplib's errors, refused connections and timeouts alike
        attempt = self.request.retries
        if refused_for_good(error) or attempt >= self.max_retries:
            keep_undelivered(message, error=error, attempts=attempt + 1)
            return 0
        raise self.retry(countdown=EMAIL_RETRY_DELAYS[attempt]) from error


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def relay_outbox() -> int:
    return outbox.relay()
