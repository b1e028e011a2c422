"""Moderation's beat tasks: thin, safe to run twice or at once (see ``moderation.services``)."""

from celery import shared_task

from moderation import services


@shared_task
def lift_ended_suspensions() -> int:
    """Members whose suspension is over may sign in again; returns how many."""
    return services.lift_ended_suspensions()


@shared_task
def remind_moderators() -> int:
    """Moderators hear of cases waiting more than 48 hours; returns how many cases."""
    return services.remind_moderators()
