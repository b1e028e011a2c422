"""Beat's schedule: every entry names a task the worker knows, and the platform's periodic work
is all there."""

from config.celery_app import app


def test_every_scheduled_task_is_registered(settings):
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert entry["schedule"] > 0, name


def test_feeds_and_digests_are_scheduled(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["economy.tasks.import_feeds"] == 30 * 60
    assert schedule["digests.tasks.queue_due_digests"] == 60  # a member's hour is never missed
