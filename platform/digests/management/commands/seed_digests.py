"""The digests' part of the scale data set, for benchmarks: a subscription for every member who
has none (members written in bulk by ``seed_scale`` never met the sign-up that gives one), in the
time zone of their Canadian city-region, mostly weekly, some daily, monthly or off, at morning
hours spread over the week, and following the sectors and city-regions of their profile.

Written in bulk, with the ``next_due_at`` the services would give each one.
"""

import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from digests import schedule
from digests.models import Subscription

DEFAULT_SEED = 20261203
FREQUENCIES = (("weekly", 0.60), ("daily", 0.15), ("monthly", 0.15), ("off", 0.10))
BATCH = 5_000


class Command(BaseCommand):
    help = "Give every member without one a digest subscription, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The scale data set is for benchmarks and is never made in production."
            )
        started = time.perf_counter()
        rng = random.Random(options["seed"])  # noqa: S311 - made-up data, not secrets
        now = timezone.now()
        members = (
            get_user_model()
            .objects.filter(digest_subscription__isnull=True)
            .order_by("pk")
            .values_list("pk", "profile__canadian_region__time_zone")
        )
        frequencies = [frequency for frequency, _ in FREQUENCIES]
        weights = [share for _, share in FREQUENCIES]
        batch, written = [], 0
        with transaction.atomic():
            for member_id, zone in tqdm(
                members.iterator(chunk_size=BATCH),
                total=members.count(),
                desc="digest subscriptions",
                disable=options["verbosity"] == 0,
            ):
                subscription = Subscription(
                    member_id=member_id,
                    time_zone=zone or settings.TIME_ZONE,
                    frequency=rng.choices(frequencies, weights)[0],
                    weekday=rng.randrange(7),
                    day_of_month=rng.randint(1, 28),
                    hour=rng.randint(6, 10),
                )
                subscription.next_due_at = schedule.next_of(subscription, after=now)
                batch.append(subscription)
                if len(batch) == BATCH:
                    written += len(Subscription.objects.bulk_create(batch))
                    batch = []
            written += len(Subscription.objects.bulk_create(batch))
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE digests_subscription")
        self.stdout.write(
            f"digest subscriptions ready in {time.perf_counter() - started:.1f} s: "
            f"{written:,} new, {Subscription.objects.count():,} in all"
        )
