"""``manage.py import_feeds [--all]``: the beat task's feed import, by hand, with a progress bar
and a line per feed (new updates, nothing new, or its error)."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from tqdm import tqdm

from economy import feeds
from economy.models import FeedSource


class Command(BaseCommand):
    help = "Import new entries of the active feeds (those due, or --all of them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="every",
            help="also the feeds waiting after failures (tried less often by the beat task)",
        )

    def handle(self, *args, every: bool, **options):
        now = timezone.now()
        sources = [
            source
            for source in FeedSource.objects.filter(active=True).order_by("pk")
            if every or feeds.is_due(source, now)
        ]
        new = failed = 0
        for source in tqdm(sources, unit=" feeds", disable=None, mininterval=1):
            result = feeds.import_feed(source=source)
            new += len(result.created)
            if result.error:
                failed += 1
                line = self.style.ERROR(f"{source}: {result.error}")
            elif result.not_modified:
                line = f"{source}: nothing new"
            else:
                line = f"{source}: {len(result.created)} new, {result.duplicates} already imported"
                if result.warning:
                    line = self.style.WARNING(f"{line}. {result.warning}")
            tqdm.write(line, file=self.stdout, end="")  # the wrapper ends the line
        self.stdout.write(f"{len(sources)} feeds, {new} new updates, {failed} failed.")
