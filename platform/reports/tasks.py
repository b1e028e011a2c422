"""Reports' tasks: thin, idempotent (see ``reports.services``)."""

from celery import shared_task

from reports import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_monthly_report() -> int:
    """Beat, every hour: last month's report to each administrator who has not had it (so a
    beat that was down on the first of the month catches up); returns how many were sent."""
    return services.send_monthly_report()


@shared_task
def refresh_daily_counts() -> int:
    """Beat, every few minutes: the daily counts the dashboard sums (members, replies, digests)."""
    return services.refresh_daily_counts()
