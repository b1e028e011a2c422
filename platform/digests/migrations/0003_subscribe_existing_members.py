"""Every member has a digest subscription: those who joined before digests get one, weekly, at
the default hour in the time zone of their profile's Canadian city-region (else the site's)."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from digests import schedule

CHUNK = 2000


def subscribe_existing_members(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Subscription = apps.get_model("digests", "Subscription")
    now = timezone.now()
    unsubscribed = User.objects.filter(digest_subscription__isnull=True).order_by("pk")
    rows = unsubscribed.values_list("pk", "profile__canadian_region__time_zone")
    batch = []
    for member_id, zone in rows.iterator(chunk_size=CHUNK):
        subscription = Subscription(member_id=member_id, time_zone=zone or settings.TIME_ZONE)
        subscription.next_due_at = schedule.next_of(subscription, after=now)
        batch.append(subscription)
        if len(batch) >= CHUNK:
            Subscription.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Subscription.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("digests", "0002_delivery_attempts"),
        ("members", "0015_taking_requests_with_region"),
    ]

    operations = [
        migrations.RunPython(subscribe_existing_members, migrations.RunPython.noop, elidable=True),
    ]
