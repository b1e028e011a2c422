from celery import shared_task

from notifications import services


@shared_task
def send_notification_emails() -> int:
    """Beat's every NOTIFICATION_EMAIL_PERIOD: one mail per member and kind with what is pending.
    Safe to run twice or to retry: the delivery record of each period mails no one twice."""
    return services.send_pending_emails()
