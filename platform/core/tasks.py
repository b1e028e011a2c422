from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from core import outbox
from core.mail import deliver_now


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def deliver_email(message: dict) -> int:
    return deliver_now(message)


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def relay_outbox() -> int:
    return outbox.relay()
