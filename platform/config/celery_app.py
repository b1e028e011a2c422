import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# The embedded broker: kombu's file transport lets a worker read a message still being written.
TRANSPORT_ALIASES["filesystem"] = "core.broker:Transport"

app = Celery("knowbridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def name_redbeat_settings_as_it_reads_them(sender, **kwargs):
    """RedBeat looks its settings up without the CELERY_ prefix (and warns that it falls back to
    the broker's when it does not find them there)."""
    for name in ("redbeat_redis_url", "redbeat_redis_options"):
        if name in sender.conf:
            sender.conf[name] = sender.conf[name]
