from celery import shared_task

from matchmaking import services


@shared_task
def close_requests_past_their_deadline() -> dict[str, int]:
    """Beat, hourly: open requests past their deadline close as expired, and SMEs whose open
    requests reach their deadline within a few days hear of it, once. Safe to run twice."""
    return {
        "expired": services.expire_requests(),
        "warned": services.warn_before_expiry(),
    }


@shared_task
def expire_unanswered_engagements() -> dict[str, int]:
    """Beat, every quarter of an hour: invitations and offers unanswered after three days
    expire (whoever asked hears of it), and those due within a day are recalled to whoever
    must answer, once. Safe to run twice."""
    return {
        "expired": services.expire_engagements(),
        "reminded": services.remind_answerers(),
    }


@shared_task
def ask_follow_ups() -> int:
    """Beat, hourly: SMEs are asked, once each, what they did with the help 30 and 90 days after
    an engagement was completed (the notification is mailed). Safe to run twice."""
    return services.ask_follow_ups()
