"""``manage.py import_indicators values.csv [--indicator cpi]``: indicator values from a CSV
file, as the admin's form imports them (``economy.indicators``), with a progress bar and the
lines refused listed at the end."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from economy import indicators
from economy.models import Indicator


class Command(BaseCommand):
    help = "Import indicator values from a CSV file (key,date,value or date,value)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the CSV file")
        parser.add_argument(
            "--indicator", default="", help="the indicator's key, for a file of date,value lines"
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=0,
            help="a larger size limit than the admin's, for a big history",
        )

    def handle(self, *args, path: Path, indicator: str, max_bytes: int, **options):
        chosen = None
        if indicator:
            chosen = Indicator.objects.filter(slug=indicator).first()
            if chosen is None:
                raise CommandError(f"No indicator has the key {indicator!r}.")
        try:
            with path.open("rb") as file, tqdm(unit=" lines", disable=None, mininterval=1) as bar:
                report = indicators.import_values(
                    file=file, indicator=chosen, progress=bar.update, max_bytes=max_bytes or None
                )
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for line in indicators.describe(report):
            self.stdout.write(line)
        if report.errors:
            self.stderr.write(self.style.WARNING(f"{len(report.errors)} lines not imported."))
