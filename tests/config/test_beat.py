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


def test_each_kind_of_work_has_its_queue():
    def queue_of(task: str) -> str:
        return app.amqp.router.route({}, task)["queue"].name

    assert queue_of("core.tasks.deliver_email") == "mail"  # verification mails never wait
    assert queue_of("digests.tasks.send_digest_batch") == "digests"
    assert queue_of("reports.tasks.send_monthly_report") == "reports"
    assert queue_of("notifications.tasks.send_notification_emails") == "celery"
    assert {queue.name for queue in app.conf.task_queues} == {
        "celery",
        "mail",
        "digests",
        "reports",
    }
