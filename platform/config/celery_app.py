import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# The embedded broker: kombu's file transport lets a worker read a message still being written.
TRANSPORT_ALIASES["filesystem"] = "core.broker:Transport"

app = Celery("knowbridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
